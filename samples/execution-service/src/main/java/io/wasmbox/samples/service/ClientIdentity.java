package io.wasmbox.samples.service;

import java.net.InetAddress;
import java.util.List;

/**
 * Who sent a request, for rate limits, fair shares and the audit: a configured API key (by its digest, never
 * the key itself) or the client's IP address, read through the trusted proxies only.
 */
final class ClientIdentity {
    private final ServiceConfig config;
    private final List<AddressRange> trustedProxies;

    ClientIdentity(ServiceConfig config) {
        this.config = config;
        this.trustedProxies =
                config.trustedProxies().stream().map(AddressRange::parse).toList();
    }

    /**
     * The client for rate limits, fair shares and audit. With API keys configured, the key must be one of
     * them (401 otherwise) and the client is a digest of it (the key itself is never logged); without, the
     * client is its IP address, whatever key it sends.
     */
    String client(Exchange exchange) {
        if (!config.apiKeyHashes().isEmpty()) {
            String key = exchange.header(config.apiKeyHeader());
            if (key == null || key.isBlank()) {
                throw new ApiError(
                        401,
                        "missing_api_key",
                        "this service needs an API key in the " + config.apiKeyHeader() + " header");
            }
            String hash = Sha256.hex(key.strip());
            if (!config.apiKeyHashes().contains(hash)) throw new ApiError(401, "invalid_api_key", "unknown API key");
            return "key:" + hash.substring(0, 16);
        }
        return "ip:" + address(exchange);
    }

    /**
     * The client's IP address: the connection's peer, or, when the peer is one of the trusted proxies, the
     * right-most {@code X-Forwarded-For} hop that is not a trusted proxy (hops left of it were written by the
     * client and prove nothing).
     */
    String address(Exchange exchange) {
        String remote = exchange.remoteAddress();
        if (trustedProxies.isEmpty()) return remote;
        InetAddress peer = AddressRange.literal(remote);
        if (peer == null || !trusted(peer)) return remote;
        String forwarded = exchange.headerJoined("X-Forwarded-For");
        if (forwarded == null) return remote;
        String[] hops = forwarded.split(",", -1);
        String nearest = peer.getHostAddress();
        for (int i = hops.length - 1, seen = 0; i >= 0 && seen < 32; i--, seen++) {
            InetAddress hop = AddressRange.literal(withoutPort(hops[i].trim()));
            if (hop == null) return nearest; // not an address: stop at the last proxy we trust
            if (!trusted(hop)) return hop.getHostAddress();
            nearest = hop.getHostAddress();
        }
        return nearest;
    }

    private boolean trusted(InetAddress address) {
        for (AddressRange r : trustedProxies) if (r.contains(address)) return true;
        return false;
    }

    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(0, end + 1);
        }
        int colon = hop.indexOf(':');
        return colon >= 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }
}
