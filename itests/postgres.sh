# Sourced by ./test: makes sure a local PostgreSQL runs (and curl and jq are there), with a fresh database for the integration
# tests, and exports JQM_IT_PG_URL, JQM_IT_PG_USER and JQM_IT_PG_PASSWORD. Installs PostgreSQL from the
# distribution's packages when it is missing and this runs as root (as on CI).
pg_fail() { echo "test: $*" >&2; exit 1; }

# PostgreSQL for the tests on it; curl and jq for the README's REST example, which LauncherIT runs.
pg_missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || pg_missing+=(postgresql)
command -v curl >/dev/null 2>&1 || pg_missing+=(curl)
command -v jq >/dev/null 2>&1 || pg_missing+=(jq)
if [ ${#pg_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing ${pg_missing[*]} (apt-get install)" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pg_missing[@]}" >/dev/null \
      || pg_fail "could not install ${pg_missing[*]}"
  else
    pg_fail "${pg_missing[*]} needed by the integration tests: install them (apt-get install ${pg_missing[*]}) or run as root"
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
# A database and a role of this run only, so that runs on one machine do not disturb each other;
# those of runs started over three hours ago are dropped (their name holds their start time).
run_id="jqmit_$(date +%s)_$$"
JQM_IT_PG_USER="$run_id"
JQM_IT_PG_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
for old in $(as_postgres psql -q -At -p "$pg_port" -c "SELECT datname FROM pg_database WHERE datname ~ '^jqmit_[0-9]+_[0-9]+$' \
    AND split_part(datname, '_', 2)::bigint < extract(epoch FROM now())::bigint - 3 * 3600"); do
  as_postgres psql -q -p "$pg_port" -c "DROP DATABASE IF EXISTS $old" >/dev/null 2>&1 \
    && as_postgres psql -q -p "$pg_port" -c "DROP ROLE IF EXISTS $old" >/dev/null 2>&1 || true
done
as_postgres psql -q -p "$pg_port" -v ON_ERROR_STOP=1 <<SQL >/dev/null || pg_fail "could not prepare the test database"
CREATE ROLE $run_id LOGIN CREATEDB PASSWORD '$JQM_IT_PG_PASSWORD';
CREATE DATABASE $run_id OWNER $run_id;
SQL
export JQM_IT_PG_URL="jdbc:postgresql://127.0.0.1:$pg_port/$run_id"
export JQM_IT_PG_USER JQM_IT_PG_PASSWORD
echo "test: PostgreSQL $pg_version on port $pg_port, database $run_id" >&2
