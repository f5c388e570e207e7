package io.wasmbox.samples.service;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IP address or CIDR range ({@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}), parsed
 * from literals only (never a DNS lookup).
 */
record AddressRange(byte[] network, int prefix) {
    static AddressRange parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        InetAddress address = literal(slash < 0 ? t : t.substring(0, slash));
        if (address == null) throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
        byte[] bytes = address.getAddress();
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
            }
        }
        return new AddressRange(bytes, prefix);
    }

    /** The address of an IP literal, or null when {@code text} is not one (no name resolution). */
    static InetAddress literal(String text) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        if (t.isEmpty() || t.length() > 64) return null;
        try {
            return InetAddress.ofLiteral(t);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            // an IPv4-mapped IPv6 address compares as its IPv4 address
            if (a.length == 16 && network.length == 4 && isMapped(a)) a = Arrays.copyOfRange(a, 12, 16);
            else return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
