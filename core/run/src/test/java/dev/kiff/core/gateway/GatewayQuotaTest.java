package dev.kiff.core.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatewayQuotaTest {

    @Test
    void countsEveryCallAndRefusesThoseBeyondTheQuota() {
        GatewayQuota quota = new GatewayQuota(2, 100, 1, 50);
        assertThat(quota.call()).isTrue();
        assertThat(quota.call()).isTrue();
        assertThat(quota.call()).isFalse();
        assertThat(quota.call()).isFalse();
        assertThat(quota.usage()).isEqualTo(new GatewayUsage(4, 0));
    }

    @Test
    void stopsBytesOnceTheyPassTheQuotaAndCountsWhatCrossed() {
        GatewayQuota quota = new GatewayQuota(10, 100, 1, 50);
        assertThat(quota.bytes(60)).isTrue();
        assertThat(quota.bytesLeft()).isEqualTo(40);
        assertThat(quota.bytes(40)).isTrue();
        assertThat(quota.bytes(1)).isFalse();
        assertThat(quota.bytesLeft()).isZero();
        assertThat(quota.usage().bytes()).isEqualTo(101);
    }

    @Test
    void countsArtifactUploadsInTheUsageUnderTheirOwnQuota() {
        GatewayQuota quota = new GatewayQuota(10, 100, 1, 50);
        quota.call();
        quota.bytes(30);
        assertThat(quota.artifact()).isTrue();
        assertThat(quota.artifactBytes(50)).isTrue();
        assertThat(quota.artifactBytesLeft()).isZero();
        assertThat(quota.artifactBytes(1)).isFalse();
        assertThat(quota.artifact()).as("a second upload, beyond the one allowed").isFalse();
        assertThat(quota.bytesLeft()).as("artifacts leave the calls' bytes alone").isEqualTo(70);
        assertThat(quota.usage()).isEqualTo(new GatewayUsage(3, 81));
    }
}
