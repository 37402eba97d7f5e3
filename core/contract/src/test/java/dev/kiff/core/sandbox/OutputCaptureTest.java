package dev.kiff.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

    @Test
    void keepsTheFirstCapBytesAndCountsTheRest() {
        OutputCapture capture = new OutputCapture(4);
        capture.append("abcdef".getBytes(StandardCharsets.UTF_8));
        capture.append("gh".getBytes(StandardCharsets.UTF_8));
        assertThat(capture.result()).isEqualTo(new CapturedOutput("abcd", true, 8));
    }

    @Test
    void isNotTruncatedUpToTheCap() {
        OutputCapture capture = new OutputCapture(4);
        capture.append("abcd".getBytes(StandardCharsets.UTF_8));
        assertThat(capture.result()).isEqualTo(new CapturedOutput("abcd", false, 4));
    }

    @Test
    void replacesBrokenUtf8AndNul() {
        OutputCapture capture = new OutputCapture(64);
        capture.append(new byte[] {'a', 0, (byte) 0xC3, 'b'});
        assertThat(capture.result().text()).isEqualTo("a\uFFFD\uFFFDb");
    }

    @Test
    void cuttingAMultiByteCharacterAtTheCapDoesNotFail() {
        OutputCapture capture = new OutputCapture(2);
        capture.append("aé".getBytes(StandardCharsets.UTF_8));
        assertThat(capture.result().text()).isEqualTo("a\uFFFD");
    }
}
