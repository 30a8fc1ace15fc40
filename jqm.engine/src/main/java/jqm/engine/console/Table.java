package jqm.engine.console;

import java.util.List;

/** Formats rows as a text table with aligned columns, for a terminal. */
final class Table {
    private Table() {
    }

    /** @param rows the header first, then the data rows; every row has the same number of cells */
    static String format(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                widths[c] = Math.max(widths[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                sb.append(c == r.length - 1 ? r[c] : String.format("%-" + widths[c] + "s  ", r[c]));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }
}
