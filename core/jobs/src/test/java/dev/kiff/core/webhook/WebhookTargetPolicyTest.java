package dev.kiff.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookTargetPolicyTest {

    private static final WebhookTargetPolicy DEFAULT = WebhookTargetPolicy.allowing(null);

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: never a lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "0.0.0.0, unspecified",
            "0.1.2.3, unspecified",
            "10.0.0.1, private",
            "10.255.255.255, private",
            "100.64.0.1, carrier-grade NAT",
            "100.127.255.254, carrier-grade NAT",
            "127.0.0.1, loopback",
            "127.255.255.254, loopback",
            "169.254.0.1, link-local",
            "169.254.169.254, link-local",
            "172.16.0.1, private",
            "172.31.255.255, private",
            "192.0.0.8, IETF",
            "192.0.2.1, documentation",
            "192.88.99.1, 6to4 relay",
            "192.168.0.1, private",
            "192.168.255.255, private",
            "198.18.0.1, benchmarking",
            "198.19.255.255, benchmarking",
            "198.51.100.7, documentation",
            "203.0.113.9, documentation",
            "224.0.0.1, multicast",
            "239.255.255.250, multicast",
            "240.0.0.1, reserved",
            "255.255.255.255, reserved",
            "::, unspecified",
            "::1, loopback",
            "::ffff:127.0.0.1, loopback",
            "::ffff:10.1.2.3, private",
            "::ffff:169.254.169.254, link-local",
            "::127.0.0.1, IPv4-compatible",
            "::a00:1, IPv4-compatible",
            "64:ff9b::7f00:1, loopback",
            "64:ff9b::a9fe:a9fe, link-local",
            "2002:7f00:1::, loopback",
            "2002:c0a8:101::1, private",
            "100::1, discard",
            "2001::1, Teredo",
            "2001:db8::1, documentation",
            "fc00::1, unique local",
            "fd00:ec2::254, unique local",
            "fdff:ffff::1, unique local",
            "fe80::1, link-local",
            "febf::1, link-local",
            "fec0::1, site-local",
            "ff02::1, multicast",
            "ff0e::1, multicast"})
    void refusesEveryNonPublicRangeSayingWhatItIs(String address, String what) {
        assertThat(DEFAULT.refusal("hooks.example", ip(address), 443))
                .hasValueSatisfying(why -> assertThat(why).contains(what).contains("not on the webhook allow list"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.1", "100.63.255.255", "100.128.0.0",
            "126.255.255.255", "128.0.0.1", "169.253.255.255", "169.255.0.1", "172.15.255.255", "172.32.0.0",
            "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255", "93.184.216.34",
            "2606:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"})
    void letsPublicAddressesThrough(String address) {
        assertThat(DEFAULT.refusal("hooks.example", ip(address), 443)).isEmpty();
    }

    @Test
    void anAllowedBlockExemptsItsAddressesOnly() {
        WebhookTargetPolicy policy = WebhookTargetPolicy.allowing(" 127.0.0.1/32 , 10.20.0.0/16,fd00:1::/32");

        assertThat(policy.refusal("localhost", ip("127.0.0.1"), 8080)).isEmpty();
        assertThat(policy.refusal("x", ip("10.20.255.1"), 80)).isEmpty();
        assertThat(policy.refusal("x", ip("fd00:1::5"), 80)).isEmpty();
        assertThat(policy.refusal("x", ip("127.0.0.2"), 8080)).isPresent();
        assertThat(policy.refusal("x", ip("::1"), 8080)).as("::1 is not 127.0.0.1").isPresent();
        assertThat(policy.refusal("x", ip("10.21.0.1"), 80)).isPresent();
        assertThat(policy.refusal("x", ip("fd00:2::5"), 80)).isPresent();
    }

    @Test
    void aBareAddressIsABlockOfOne() {
        WebhookTargetPolicy policy = WebhookTargetPolicy.allowing("192.168.1.5,::1");

        assertThat(policy.refusal("x", ip("192.168.1.5"), 80)).isEmpty();
        assertThat(policy.refusal("x", ip("::1"), 80)).isEmpty();
        assertThat(policy.refusal("x", ip("192.168.1.6"), 80)).isPresent();
    }

    @Test
    void anAllowedHostAndPortExemptsThatNameOnThatPortOnly() {
        WebhookTargetPolicy policy = WebhookTargetPolicy.allowing("Hooks.Internal:8443,10.0.0.7:9000,[fd00::5]:443");

        assertThat(policy.refusal("hooks.internal", ip("10.1.1.1"), 8443)).isEmpty();
        assertThat(policy.refusal("HOOKS.internal", ip("10.1.1.1"), 8443)).isEmpty();
        assertThat(policy.refusal("hooks.internal", ip("10.1.1.1"), 8444)).isPresent();
        assertThat(policy.refusal("other.internal", ip("10.1.1.1"), 8443)).isPresent();
        assertThat(policy.refusal("10.0.0.7", ip("10.0.0.7"), 9000)).isEmpty();
        assertThat(policy.refusal("seven.internal", ip("10.0.0.7"), 9000)).as("by address too").isEmpty();
        assertThat(policy.refusal("10.0.0.7", ip("10.0.0.7"), 9001)).isPresent();
        assertThat(policy.refusal("[fd00::5]", ip("fd00::5"), 443)).isEmpty();
    }

    @Test
    void aMappedAddressIsAllowedByTheBlockOfTheIpv4AddressItCarries() {
        assertThat(WebhookTargetPolicy.allowing("10.0.0.0/8").refusal("x", ip("::ffff:10.1.2.3"), 80)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hooks.internal", "10.0.0.0/33", "300.1.1.1/8", "10.0.0.0/x", "hooks:http", "[::1]",
            "hooks:0", "hooks:70000", "not an address/8"})
    void refusesAnAllowListEntryThatIsNeitherABlockNorAHostAndPort(String entry) {
        assertThatThrownBy(() -> WebhookTargetPolicy.allowing("127.0.0.1/32," + entry))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyAllowListAllowsNothingPrivate() {
        for (String allow : List.of("", " , ")) {
            assertThat(WebhookTargetPolicy.allowing(allow).refusal("x", ip("127.0.0.1"), 80)).isPresent();
        }
        assertThat(WebhookTargetPolicy.allowing(null).refusal("x", ip("10.0.0.1"), 80)).isPresent();
    }
}
