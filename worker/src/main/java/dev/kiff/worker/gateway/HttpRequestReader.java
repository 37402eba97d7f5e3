package dev.kiff.worker.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the head of one HTTP/1.1 request from a sandbox: request line and headers, at most {@code maxHeadBytes}
 * bytes and {@code maxHeaders} lines. The body stays on the connection, to be streamed through a
 * {@link RequestBody}. Anything else is a {@link BadRequest}.
 */
final class HttpRequestReader {

    /** The longest chunk-size or trailer line accepted. */
    static final int MAX_LINE = 1024;

    /** The request cannot be read as HTTP/1.1 within the limits; {@code status} says how to answer. */
    static final class BadRequest extends Exception {

        private final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private HttpRequestReader() {
    }

    static GatewayRequest readHead(InputStream in, int maxHeadBytes, int maxHeaders) throws IOException, BadRequest {
        String head = head(in, maxHeadBytes);
        String[] lines = head.split("\r\n");
        if (lines.length - 1 > maxHeaders) {
            throw new BadRequest(431, "more than " + maxHeaders + " header lines");
        }
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || !requestLine[1].startsWith("/")) {
            throw new BadRequest(400, "malformed request line");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        long contentLength = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new BadRequest(400, "malformed header line");
            }
            String name = lines[i].substring(0, colon).trim();
            String value = lines[i].substring(colon + 1).trim();
            headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new BadRequest(400, "bad Content-Length");
                }
                if (contentLength < 0) {
                    throw new BadRequest(400, "bad Content-Length");
                }
            } else if (lower.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        return new GatewayRequest(requestLine[0], requestLine[1], headers, chunked ? -1 : contentLength, chunked);
    }

    private static String head(InputStream in, int maxHeadBytes) throws IOException, BadRequest {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new BadRequest(400, "connection closed before the request ended");
            }
            head.write(b);
            if (head.size() > maxHeadBytes) {
                throw new BadRequest(431, "request head larger than " + maxHeadBytes + " bytes");
            }
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        byte[] bytes = head.toByteArray();
        return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
    }

    /** One CRLF-terminated line, at most {@link #MAX_LINE} bytes. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(16);
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new RequestBody.Malformed("connection closed inside a chunked body");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_LINE) {
                throw new RequestBody.Malformed("chunk line too long");
            }
            previous = b;
        }
    }
}
