package jqm.engine.console;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;

public class TableTest {
    @Test
    public void columnsAreAlignedOnTheWidestCell() {
        String out = Table.format(List.of(new String[] { "ID", "JOB" }, new String[] { "12345", "HelloWorld" },
                new String[] { "7", "X" }));
        String[] lines = out.split(System.lineSeparator());
        assertEquals("ID     JOB", lines[0]);
        assertEquals("12345  HelloWorld", lines[1]);
        assertEquals("7      X", lines[2]);
    }
}
