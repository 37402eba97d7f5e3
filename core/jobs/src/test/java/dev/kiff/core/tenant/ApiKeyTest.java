package dev.kiff.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ApiKeyTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void generatesKiffKeysOf256RandomBits() {
        ApiKey key = ApiKey.generate(random);

        assertThat(key.value()).matches("kiff_[A-Za-z0-9_-]{43}");
        assertThat(ApiKey.generate(random)).isNotEqualTo(key);
    }

    @Test
    void hashesAKeyToTheSame64HexDigitsOfSha256EveryTime() {
        ApiKey key = ApiKey.generate(random);

        assertThat(key.hash()).matches("[0-9a-f]{64}").isEqualTo(ApiKey.hash(key.value()))
                .isEqualTo(new ApiKey(key.value()).hash()).doesNotContain(key.value());
        assertThat(ApiKey.generate(random).hash()).isNotEqualTo(key.hash());
        assertThat(ApiKey.hash("abc")).as("SHA-256")
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void showsOnlyAShortPrefixThatDoesNotRevealTheKey() {
        ApiKey key = ApiKey.generate(random);

        assertThat(key.prefix()).hasSize(12).startsWith("kiff_");
        assertThat(key.value()).startsWith(key.prefix()).hasSizeGreaterThan(key.prefix().length() + 30);
        assertThat(key.toString()).contains(key.prefix()).doesNotContain(key.value());
    }
}
