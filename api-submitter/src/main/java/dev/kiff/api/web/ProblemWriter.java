package dev.kiff.api.web;

import dev.kiff.model.json.JobCodec;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers a request with RFC 9457 problem+json from a servlet filter, before any controller (and so before
 * {@link ProblemAdvice}) runs, in the same shape the advice gives.
 */
public final class ProblemWriter {

    private final JobCodec codec;

    public ProblemWriter(JobCodec codec) {
        this.codec = codec;
    }

    /**
     * Writes the problem; the server sends it when the filter returns. (After a 413 answered so, Tomcat closes the
     * connection without reading the rest of the body; a caller that must answer while the body still comes flushes
     * the response itself, and Tomcat then reads and drops at most {@code server.tomcat.max-swallow-size} of it.)
     */
    public void write(HttpServletRequest request, HttpServletResponse response, int status, String type, String title,
            String detail, Map<String, Object> extra) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:kiff:problem:" + type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        problem.putAll(extra);
        byte[] body = codec.write(problem);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Whether the request carries a body: a declared length above zero, or a chunked one. */
    public static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }
}
