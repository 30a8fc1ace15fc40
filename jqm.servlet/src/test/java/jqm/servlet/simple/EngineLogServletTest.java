package jqm.servlet.simple;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;

public class EngineLogServletTest {
    @Test
    public void theLastLinesAreReadFromTheEnd() throws Exception {
        Path f = Files.createTempFile("engine", ".log");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 5000; i++) {
            sb.append("line ").append(i).append('\n');
        }
        Files.writeString(f, sb);
        assertEquals("line 4999\nline 5000\n", new String(EngineLogServlet.tail(f, 2), StandardCharsets.UTF_8));
        assertEquals("line 5000\n", new String(EngineLogServlet.tail(f, 1), StandardCharsets.UTF_8));
        assertEquals(sb.toString(), new String(EngineLogServlet.tail(f, 10_000), StandardCharsets.UTF_8));
        Files.writeString(f, "no newline at the end");
        assertEquals("no newline at the end", new String(EngineLogServlet.tail(f, 3), StandardCharsets.UTF_8));
        Files.delete(f);
    }
}
