package io.vrrpd.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class OpenApiTest {

    @Test
    @DisplayName("/api/v1/openapi.json (3.1) lists exactly the operations the server answers: each listed one is"
            + " routed (no 404/405), and the probe of every other method on each path is 405")
    void shouldListExactlyTheServedRoutes() throws Exception {
        final WebApiTest.Verbs verbs = new WebApiTest.Verbs();
        try (WebServer server = WebServer.builder(new InetSocketAddress("127.0.0.1", 0))
                .mount("/api/v1/", new RestApi(verbs, null, 4096)).start()) {
            final HttpClient client = HttpClient.newHttpClient();
            final String base = "http://127.0.0.1:" + server.address().getPort();
            final HttpResponse<String> served = client.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/v1/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, served.statusCode());
            final JsonNode document = new ObjectMapper().readTree(served.body());
            assertEquals("3.1.0", document.get("openapi").textValue());
            final Set<String> listed = new TreeSet<>();
            for (final Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
                final Map.Entry<String, JsonNode> path = paths.next();
                path.getValue().fieldNames().forEachRemaining(method -> listed.add(method.toUpperCase() + " "
                        + path.getKey()));
            }
            // What the server answers, probed: every method on every listed path, and a few paths not listed.
            final Set<String> answered = new TreeSet<>();
            final Set<String> templates = new TreeSet<>();
            listed.forEach(operation -> templates.add(operation.substring(operation.indexOf(' ') + 1)));
            templates.add("/api/v1/routers/{name}/start");
            templates.add("/api/v1/services/{name}/move");
            templates.add("/api/v1/cluster/services");
            for (final String template : templates) {
                for (final String method : new String[] {"GET", "POST", "PATCH", "DELETE", "PUT"}) {
                    final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base
                                    + template.replace("{name}", "x"))).method(method,
                                    HttpRequest.BodyPublishers.noBody()).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 404 && response.statusCode() != 405
                            || response.statusCode() == 404 && !response.body().contains("no such path")) {
                        answered.add(method + " " + template);
                    }
                }
            }
            assertEquals(listed, answered);
            assertNotEquals(0, listed.size());
            assertEquals(26, listed.size(), listed.toString());
            // The router actions and GET of one router take ?node= (a router on another member).
            for (final String operation : List.of("/api/v1/routers/{name}/get", "/api/v1/routers/{name}/enable/post",
                    "/api/v1/routers/{name}/disable/post", "/api/v1/routers/{name}/clear/post")) {
                final String path = operation.substring(0, operation.lastIndexOf('/'));
                final JsonNode parameters = document.get("paths").get(path)
                        .get(operation.substring(operation.lastIndexOf('/') + 1)).get("parameters");
                assertTrue(parameters.toString().contains("{\"name\":\"node\",\"in\":\"query\""), operation + ": "
                        + parameters);
            }
        }
    }
}
