package dev.kiff.api.web;

import dev.kiff.api.ApiProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Holds every request body to the cap of its kind before anything parses it: a batch ({@code kiff.api.max-batch-
 * body-size}), an admin request ({@code max-admin-body-size}), a session file upload ({@code kiff.sessions.max-file-
 * size}), the MCP endpoint ({@link #mcpLimit}), anything else ({@code max-body-size}). A declared
 * {@code Content-Length} over the cap is refused with 413 before a byte of the body is read; a body without one
 * (chunked) is read through a counter that stops it at the cap, whoever reads it, so no parser ever sees more.
 */
public final class BodyLimitFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(BodyLimitFilter.class);

    /** A session file's path: {@code /v1/sessions/<id>/files/<path>}. */
    private static final Pattern SESSION_FILE = Pattern.compile("/v1/sessions/[^/]+/files/.+");

    private final ApiProperties properties;
    private final long maxSessionFile;
    private final ProblemWriter problems;

    /** @param maxSessionFile the largest session file upload, in bytes */
    public BodyLimitFilter(ApiProperties properties, long maxSessionFile, ProblemWriter problems) {
        this.properties = properties;
        this.maxSessionFile = maxSessionFile;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!ProblemWriter.hasBody(request)) {
            chain.doFilter(request, response);
            return;
        }
        long limit = limitFor(request.getRequestURI());
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            log.warn("request refused (413): {} {} declares a body of {} bytes, over the cap of {}",
                    request.getMethod(), request.getRequestURI(), declared, limit);
            problems.write(request, response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "too-large",
                    "Request body too large", "request body of " + declared + " bytes exceeds the cap of " + limit
                            + " bytes", Map.of("limit", limit));
            return;
        }
        chain.doFilter(new Capped(request, limit), response);
    }

    /** Room in an MCP call beside the file's base64: the JSON-RPC envelope, the session id, the path. */
    private static final long MCP_ENVELOPE = 64 * 1024;

    /**
     * The cap of an {@code /mcp} body: an {@code upload_file} call carries a file of up to {@code maxSessionFile}
     * bytes base64-encoded (4 bytes per 3, no escaping in JSON) in its JSON-RPC envelope; never less than
     * {@code kiff.api.max-body-size}.
     */
    public static long mcpLimit(ApiProperties properties, long maxSessionFile) {
        long base64 = (maxSessionFile + 2) / 3 * 4;
        return Math.max(properties.maxBodySize().toBytes(), base64 + MCP_ENVELOPE);
    }

    private long limitFor(String path) {
        if (path.equals("/mcp")) {
            return mcpLimit(properties, maxSessionFile);
        }
        if (path.equals("/v1/admin") || path.startsWith("/v1/admin/")) {
            return properties.maxAdminBodySize().toBytes();
        }
        if (path.equals("/v1/batches") || path.equals("/v1/batches/")) {
            return properties.maxBatchBodySize().toBytes();
        }
        if (SESSION_FILE.matcher(path).matches()) {
            return maxSessionFile;
        }
        return properties.maxBodySize().toBytes();
    }

    /** The request, its body read through a {@link CappedStream}. */
    private static final class Capped extends HttpServletRequestWrapper {
        private final long limit;
        private CappedStream stream;

        Capped(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CappedStream(super.getInputStream(), limit);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    /** Passes bytes on until one more than the cap arrives, then fails the read with {@link BodyTooLargeException}. */
    private static final class CappedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        CappedStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            // Never ask for more than one byte past the cap: a body over it is refused, not read on.
            int n = in.read(buffer, offset, (int) Math.min(length, limit - read + 1));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
