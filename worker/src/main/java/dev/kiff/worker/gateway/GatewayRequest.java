package dev.kiff.worker.gateway;

import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 request as a sandbox sent it to its gateway.
 *
 * @param target the request target: path and query, e.g. {@code /ml/v1/predict?x=1}
 */
record GatewayRequest(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {

    String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    String query() {
        int query = target.indexOf('?');
        return query < 0 ? null : target.substring(query + 1);
    }
}
