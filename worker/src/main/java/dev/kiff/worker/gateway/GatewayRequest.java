package dev.kiff.worker.gateway;

import java.util.List;
import java.util.Map;

/**
 * The head of one HTTP/1.1 request as a sandbox sent it to its gateway; its body is still on the connection.
 *
 * @param target        the request target: path and query, e.g. {@code /ml/v1/predict?x=1}
 * @param contentLength the body's length from Content-Length; -1 when chunked or absent
 * @param chunked       whether the body is framed by Transfer-Encoding: chunked
 */
record GatewayRequest(String method, String target, List<Map.Entry<String, String>> headers, long contentLength,
        boolean chunked) {

    String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    String query() {
        int query = target.indexOf('?');
        return query < 0 ? null : target.substring(query + 1);
    }

    boolean hasBody() {
        return chunked || contentLength > 0;
    }
}
