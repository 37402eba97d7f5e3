package dev.kiff.core.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which addresses a webhook may be sent to. A tenant names the URL, so without this a {@code callbackUrl} could
 * reach the platform's own loopback services, its private network or a cloud metadata endpoint, and the recorded
 * tries (status codes, timings) would map them for the tenant. Refused by default: every range that is not the
 * public internet (see {@link #REFUSED}); an operator exempts the receivers it trusts with an allow list.
 *
 * <p>Pure: it judges addresses already resolved. {@link WebhookTargets} resolves and calls it, at submission and
 * again for the address a delivery connects to.
 */
public final class WebhookTargetPolicy {

    /** A dotted quad; first, as the blocks below are parsed with it. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** A range of addresses, and what it is (told to the tenant when its URL is refused). */
    public record Block(byte[] network, int prefix, String what) {

        /** {@code 10.0.0.0/8}, {@code fc00::/7}, or a bare address (a block of one). */
        public static Block parse(String cidr, String what) {
            String text = cidr.trim();
            int slash = text.indexOf('/');
            byte[] network = literal(slash < 0 ? text : text.substring(0, slash));
            int prefix = network.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a CIDR block: " + cidr);
                }
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("prefix out of range in " + cidr);
            }
            return new Block(network, prefix, what);
        }

        public boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    /** An allow-list entry of the form {@code host:port}: that host name (or address) on that port only. */
    public record HostPort(String host, int port) {
    }

    /**
     * What is refused unless allowed. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are
     * judged by the IPv4 address they carry, so {@code [::ffff:127.0.0.1]} is loopback like {@code 127.0.0.1}.
     */
    public static final List<Block> REFUSED = List.of(
            Block.parse("0.0.0.0/8", "unspecified (this network)"),
            Block.parse("10.0.0.0/8", "private (RFC 1918)"),
            Block.parse("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
            Block.parse("127.0.0.0/8", "loopback"),
            Block.parse("169.254.0.0/16", "link-local (cloud metadata lives here)"),
            Block.parse("172.16.0.0/12", "private (RFC 1918)"),
            Block.parse("192.0.0.0/24", "IETF protocol assignments"),
            Block.parse("192.0.2.0/24", "documentation"),
            Block.parse("192.88.99.0/24", "6to4 relay anycast"),
            Block.parse("192.168.0.0/16", "private (RFC 1918)"),
            Block.parse("198.18.0.0/15", "benchmarking"),
            Block.parse("198.51.100.0/24", "documentation"),
            Block.parse("203.0.113.0/24", "documentation"),
            Block.parse("224.0.0.0/4", "multicast"),
            Block.parse("240.0.0.0/4", "reserved (and broadcast)"),
            Block.parse("::/128", "unspecified"),
            Block.parse("::1/128", "loopback"),
            Block.parse("::/96", "IPv4-compatible (deprecated)"),
            Block.parse("100::/64", "discard-only"),
            Block.parse("2001::/32", "Teredo tunnel (hides its IPv4 address)"),
            Block.parse("2001:db8::/32", "documentation"),
            Block.parse("fc00::/7", "unique local (private; fd00:ec2::254 is cloud metadata)"),
            Block.parse("fe80::/10", "link-local"),
            Block.parse("fec0::/10", "site-local (deprecated)"),
            Block.parse("ff00::/8", "multicast"));

    private static final Block MAPPED = Block.parse("::ffff:0:0/96", "IPv4-mapped");
    private static final Block NAT64 = Block.parse("64:ff9b::/96", "NAT64");
    private static final Block SIX_TO_FOUR = Block.parse("2002::/16", "6to4");

    private final List<Block> allowedBlocks;
    private final List<HostPort> allowedHosts;

    private WebhookTargetPolicy(List<Block> allowedBlocks, List<HostPort> allowedHosts) {
        this.allowedBlocks = List.copyOf(allowedBlocks);
        this.allowedHosts = List.copyOf(allowedHosts);
    }

    /**
     * @param allowList comma-separated CIDR blocks ({@code 10.1.0.0/16}, {@code ::1/128}, a bare address) and
     *                  {@code host:port} pairs ({@code hooks.internal:8443}, {@code [fd00::5]:443}) that are exempt;
     *                  null or blank for none
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static WebhookTargetPolicy allowing(String allowList) {
        List<Block> blocks = new ArrayList<>();
        List<HostPort> hosts = new ArrayList<>();
        if (allowList != null) {
            for (String raw : allowList.split(",")) {
                String entry = raw.trim();
                if (entry.isEmpty()) {
                    continue;
                }
                if (entry.contains("/")) {
                    blocks.add(Block.parse(entry, "allowed"));
                } else if (entry.startsWith("[")) {
                    int close = entry.indexOf("]:");
                    if (close < 0) {
                        throw new IllegalArgumentException("allow-list entry " + entry + " needs [address]:port");
                    }
                    hosts.add(new HostPort(entry.substring(1, close).toLowerCase(Locale.ROOT),
                            port(entry, entry.substring(close + 2))));
                } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
                    int colon = entry.indexOf(':');
                    hosts.add(new HostPort(entry.substring(0, colon).toLowerCase(Locale.ROOT),
                            port(entry, entry.substring(colon + 1))));
                } else if (entry.indexOf(':') >= 0 || IPV4.matcher(entry).matches()) {
                    blocks.add(Block.parse(entry, "allowed"));
                } else {
                    throw new IllegalArgumentException("allow-list entry " + entry
                            + " is neither a CIDR block nor host:port");
                }
            }
        }
        return new WebhookTargetPolicy(blocks, hosts);
    }

    /**
     * Why a webhook to {@code address} (resolved from the URL's {@code host}) on {@code port} is refused, or empty
     * when it may be sent.
     */
    public Optional<String> refusal(String host, InetAddress address, int port) {
        byte[] raw = address.getAddress();
        String lowerHost = host == null ? "" : stripBrackets(host.toLowerCase(Locale.ROOT));
        for (HostPort allowed : allowedHosts) {
            if (allowed.port() == port && (allowed.host().equals(lowerHost)
                    || sameAddress(allowed.host(), raw))) {
                return Optional.empty();
            }
        }
        for (Block allowed : allowedBlocks) {
            if (allowed.contains(raw)) {
                return Optional.empty();
            }
        }
        Optional<String> refused = refusedRange(raw);
        return refused.map(what -> "address " + address.getHostAddress() + " is " + what
                + " and not on the webhook allow list");
    }

    private static Optional<String> refusedRange(byte[] raw) {
        byte[] carried = carriedIpv4(raw);
        if (carried != null) {
            return refusedRange(carried);
        }
        for (Block block : REFUSED) {
            if (block.contains(raw)) {
                return Optional.of(block.what());
            }
        }
        return Optional.empty();
    }

    /** The IPv4 address an IPv6 address stands for, where it embeds one a router would reach; else null. */
    private static byte[] carriedIpv4(byte[] raw) {
        if (raw.length != 16) {
            return null;
        }
        if (MAPPED.contains(raw) || NAT64.contains(raw)) {
            return Arrays.copyOfRange(raw, 12, 16);
        }
        if (SIX_TO_FOUR.contains(raw)) {
            return Arrays.copyOfRange(raw, 2, 6);
        }
        return null;
    }

    private static boolean sameAddress(String allowedHost, byte[] raw) {
        if (!IPV4.matcher(allowedHost).matches() && allowedHost.indexOf(':') < 0) {
            return false;
        }
        return Arrays.equals(literal(allowedHost), raw);
    }

    private static int port(String entry, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("allow-list entry " + entry + " has no valid port");
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The bytes of an IP literal; never a DNS lookup (a name is refused before it could become one). */
    private static byte[] literal(String text) {
        String address = stripBrackets(text.trim());
        if (IPV4.matcher(address).matches()) {
            // Parsed here: the JDK would look a malformed dotted quad (300.1.1.1) up as a name.
            String[] parts = address.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    throw new IllegalArgumentException("not an IP address: " + text);
                }
                bytes[i] = (byte) part;
            }
            return bytes;
        }
        if (address.indexOf(':') < 0) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try {
            // With a colon in it the JDK reads an IPv6 literal or fails; it never asks DNS.
            InetAddress parsed = InetAddress.getByName(address);
            byte[] bytes = parsed.getAddress();
            if (address.indexOf(':') >= 0 && parsed instanceof Inet4Address) {
                // The JDK folds ::ffff:a.b.c.d into IPv4; a block written in IPv6 stays IPv6 (16 bytes).
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }
}
