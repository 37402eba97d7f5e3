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
 * Reads one HTTP/1.1 request from a sandbox: request line, headers (at most {@link #MAX_HEAD} bytes), and a body
 * framed by Content-Length or chunked, at most {@code maxBody} bytes. Anything else is a {@link BadRequest}.
 */
final class HttpRequestReader {

    static final int MAX_HEAD = 16 * 1024;

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

    static GatewayRequest read(InputStream in, long maxBody) throws IOException, BadRequest {
        String head = readHead(in);
        String[] lines = head.split("\r\n");
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
            } else if (lower.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        byte[] body;
        if (chunked) {
            body = readChunked(in, maxBody);
        } else if (contentLength > 0) {
            if (contentLength > maxBody) {
                throw new BadRequest(413, "request body of " + contentLength + " bytes exceeds the " + maxBody
                        + " bytes left in the job's gateway quota");
            }
            body = in.readNBytes((int) contentLength);
            if (body.length != contentLength) {
                throw new BadRequest(400, "body shorter than its Content-Length");
            }
        } else {
            body = new byte[0];
        }
        return new GatewayRequest(requestLine[0], requestLine[1], headers, body);
    }

    private static String readHead(InputStream in) throws IOException, BadRequest {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new BadRequest(400, "connection closed before the request ended");
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new BadRequest(431, "request head larger than " + MAX_HEAD + " bytes");
            }
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        byte[] bytes = head.toByteArray();
        return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
    }

    private static byte[] readChunked(InputStream in, long maxBody) throws IOException, BadRequest {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "bad chunk size");
            }
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers are read and dropped
                }
                return body.toByteArray();
            }
            if (body.size() + size > maxBody) {
                throw new BadRequest(413, "request body exceeds the " + maxBody
                        + " bytes left in the job's gateway quota");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length != size) {
                throw new BadRequest(400, "chunk shorter than its size");
            }
            body.write(chunk);
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException, BadRequest {
        ByteArrayOutputStream line = new ByteArrayOutputStream(16);
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new BadRequest(400, "connection closed inside a chunked body");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > 1024) {
                throw new BadRequest(400, "chunk line too long");
            }
            previous = b;
        }
    }
}
