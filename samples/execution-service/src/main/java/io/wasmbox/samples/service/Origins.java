package io.wasmbox.samples.service;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may POST here. Browsers send {@code Origin} with cross-site POSTs, and a JSON body
 * sent as {@code text/plain} needs no preflight: without this check any web page could make its visitors'
 * browsers run code here. The check is against configured origins (or, by default, the addresses the
 * service listens on), never against the request's {@code Host} header, which a DNS-rebinding page controls.
 */
final class Origins {
    private final Set<String> allowed;

    private Origins(Set<String> allowed) {
        this.allowed = allowed;
    }

    /** The configured origins, or the service's own: its bind address (every interface's when 0.0.0.0) and localhost. */
    static Origins of(ServiceConfig config, int port) {
        Set<String> set = new LinkedHashSet<>(config.publicOrigins());
        if (set.isEmpty()) {
            List<String> hosts = new ArrayList<>();
            String host = config.host();
            InetAddress bind = AddressRange.literal(host);
            if (bind == null) {
                hosts.add(host.toLowerCase(Locale.ROOT)); // a name the operator chose to bind
            } else if (bind.isAnyLocalAddress()) {
                hosts.add("localhost");
                try {
                    for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                        for (InetAddress a : Collections.list(n.getInetAddresses())) hosts.add(a.getHostAddress());
                    }
                } catch (SocketException e) {
                    hosts.add("127.0.0.1");
                }
            } else {
                hosts.add(bind.getHostAddress());
                if (bind.isLoopbackAddress()) hosts.add("localhost");
            }
            for (String h : hosts) {
                int zone = h.indexOf('%');
                if (zone >= 0) h = h.substring(0, zone);
                set.add(normalise("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port));
            }
        }
        return new Origins(Set.copyOf(set));
    }

    /** {@code scheme://host[:port]} in lower case with the scheme's default port dropped, or null if not an origin. */
    static String normalise(String origin) {
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null
                    || host == null
                    || uri.getRawUserInfo() != null
                    || (uri.getRawPath() != null
                            && !uri.getRawPath().isEmpty()
                            && !uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return null;
            int port = uri.getPort();
            if ((scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443)) port = -1;
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Null origin header (not a browser, or a same-origin GET) passes; else it must be one of the allowed. */
    boolean allows(String originHeader) {
        if (originHeader == null) return true;
        String normal = normalise(originHeader);
        return normal != null && allowed.contains(normal);
    }

    Set<String> allowed() {
        return allowed;
    }
}
