package dev.kiff.api.console;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * JSON as HTML: an object as a two-column table, an array of objects as one table with a column per field, anything
 * else as its escaped text. The scheduler's answers are shown this way, so a field it adds later shows up too.
 */
final class JsonTables {

    private JsonTables() {
    }

    static void render(JsonNode node, StringBuilder html) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            html.append("<table class=\"kv\">");
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                html.append("<tr><th>").append(ConsolePages.esc(field.getKey())).append("</th><td>");
                render(field.getValue(), html);
                html.append("</td></tr>");
            }
            html.append("</table>");
        } else if (node.isArray()) {
            Set<String> columns = new LinkedHashSet<>();
            boolean objects = !node.isEmpty();
            for (JsonNode item : node) {
                if (!item.isObject()) {
                    objects = false;
                    break;
                }
                item.properties().forEach(field -> columns.add(field.getKey()));
            }
            if (!objects) {
                html.append("<ul>");
                for (JsonNode item : node) {
                    html.append("<li>");
                    render(item, html);
                    html.append("</li>");
                }
                html.append(node.isEmpty() ? "<li>none</li>" : "").append("</ul>");
                return;
            }
            html.append("<table><tr>");
            columns.forEach(column -> html.append("<th>").append(ConsolePages.esc(column)).append("</th>"));
            html.append("</tr>");
            for (JsonNode item : node) {
                html.append("<tr>");
                for (String column : columns) {
                    html.append("<td>");
                    render(item.get(column), html);
                    html.append("</td>");
                }
                html.append("</tr>");
            }
            html.append("</table>");
        } else {
            html.append(ConsolePages.esc(node.asString()));
        }
    }
}
