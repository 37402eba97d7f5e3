package dev.kiff.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutputCaptureTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheFirstCapBytesAndCountsAllOfThem() {
        OutputCapture capture = new OutputCapture(4);
        capture.append(utf8("abcdef"));
        capture.append(utf8("gh"));
        assertThat(capture.totalBytes()).isEqualTo(8);
        assertThat(capture.result()).isEqualTo(new CapturedOutput("abcd", true, 8));
    }

    @Test
    void keepsCountingOnceTheCapIsFull() {
        OutputCapture capture = new OutputCapture(2);
        for (int i = 0; i < 1000; i++) {
            capture.append(utf8("xyz"));
        }
        assertThat(capture.result()).isEqualTo(new CapturedOutput("xy", true, 3000));
    }

    @Test
    void isNotTruncatedUpToExactlyTheCap() {
        OutputCapture capture = new OutputCapture(4);
        capture.append(utf8("ab"));
        capture.append(utf8("cd"));
        assertThat(capture.result()).isEqualTo(new CapturedOutput("abcd", false, 4));
    }

    @Test
    void isTruncatedByOneByteOverTheCap() {
        OutputCapture capture = new OutputCapture(4);
        capture.append(utf8("abcde"));
        assertThat(capture.result()).isEqualTo(new CapturedOutput("abcd", true, 5));
    }

    @Test
    void nothingWrittenIsTheEmptyOutput() {
        assertThat(new OutputCapture(16).result()).isEqualTo(CapturedOutput.EMPTY);
    }

    @Test
    void aZeroCapKeepsNothingButCountsEverything() {
        OutputCapture capture = new OutputCapture(0);
        capture.append(utf8("abc"));
        assertThat(capture.result()).isEqualTo(new CapturedOutput("", true, 3));
    }

    @Test
    void appendsOnlyTheGivenSliceOfABuffer() {
        OutputCapture capture = new OutputCapture(16);
        capture.append(utf8("..hello.."), 2, 5);
        assertThat(capture.result()).isEqualTo(new CapturedOutput("hello", false, 5));
    }

    @Test
    void replacesInvalidUtf8WithTheReplacementCharacter() {
        OutputCapture capture = new OutputCapture(64);
        capture.append(new byte[] {'a', (byte) 0xFF, 'b', (byte) 0xC3, 'c', (byte) 0x80, 'd'});
        assertThat(capture.result().text()).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd");
    }

    @Test
    void replacesNulWithTheReplacementCharacter() {
        OutputCapture capture = new OutputCapture(64);
        capture.append(new byte[] {'a', 0, 'b', 0, 0});
        assertThat(capture.result().text()).isEqualTo("a\uFFFDb\uFFFD\uFFFD").doesNotContain("\0");
    }

    @Test
    void keepsValidMultiByteTextIntact() {
        OutputCapture capture = new OutputCapture(64);
        capture.append(utf8("é€😀"));
        assertThat(capture.result().text()).isEqualTo("é€😀");
    }

    /** "é" is 2 bytes, "€" 3 and "😀" 4: every cut inside one of them. */
    @ParameterizedTest(name = "{0} cut after {1} byte(s)")
    @CsvSource({"é,1", "€,1", "€,2", "😀,1", "😀,2", "😀,3"})
    void aMultiByteCharacterSplitAtTheCapDoesNotThrowAndEndsInTheReplacementCharacter(String character, int kept) {
        OutputCapture capture = new OutputCapture(1 + kept);
        capture.append(utf8("a" + character + "b"));
        CapturedOutput[] result = new CapturedOutput[1];
        assertThatCode(() -> result[0] = capture.result()).doesNotThrowAnyException();
        assertThat(result[0].text()).startsWith("a").endsWith("\uFFFD").doesNotContain("b");
        assertThat(result[0].truncated()).isTrue();
        assertThat(result[0].totalBytes()).isEqualTo(2 + utf8(character).length);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64, 4096})
    void neverKeepsMoreThanTheCapWhateverTheChunking(int chunk) {
        OutputCapture capture = new OutputCapture(100);
        byte[] data = utf8("0123456789".repeat(100));
        for (int i = 0; i < data.length; i += chunk) {
            capture.append(data, i, Math.min(chunk, data.length - i));
        }
        assertThat(capture.result()).isEqualTo(new CapturedOutput("0123456789".repeat(10), true, 1000));
    }
}
