# Sourced by ./test: makes sure a local PostgreSQL runs, with a fresh database for the integration
# tests, and exports JQM_IT_PG_URL, JQM_IT_PG_USER and JQM_IT_PG_PASSWORD. Installs PostgreSQL from the
# distribution's packages when it is missing and this runs as root (as on CI).
pg_fail() { echo "test: $*" >&2; exit 1; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing PostgreSQL (apt-get install postgresql)" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
      || pg_fail "could not install PostgreSQL"
  else
    pg_fail "PostgreSQL is needed by the integration tests: install it (apt-get install postgresql) or run as root"
  fi
fi

pg_version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
if [ -z "$pg_version" ]; then
  pg_version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  pg_createcluster "$pg_version" main >/dev/null || pg_fail "could not create a PostgreSQL cluster"
fi
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" && $4 == "online" {found=1} END {exit !found}'; then
  pg_ctlcluster "$pg_version" main start || pg_fail "could not start PostgreSQL $pg_version"
fi
pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $3}')

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi
}
JQM_IT_PG_USER=jqm_it
JQM_IT_PG_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
as_postgres psql -q -p "$pg_port" -v ON_ERROR_STOP=1 <<SQL >/dev/null || pg_fail "could not prepare the test database"
DROP DATABASE IF EXISTS jqm_it;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jqm_it') THEN CREATE ROLE jqm_it LOGIN; END IF;
END \$\$;
ALTER ROLE jqm_it WITH LOGIN PASSWORD '$JQM_IT_PG_PASSWORD';
CREATE DATABASE jqm_it OWNER jqm_it;
SQL
export JQM_IT_PG_URL="jdbc:postgresql://127.0.0.1:$pg_port/jqm_it"
export JQM_IT_PG_USER JQM_IT_PG_PASSWORD
echo "test: PostgreSQL $pg_version on port $pg_port, database jqm_it" >&2
