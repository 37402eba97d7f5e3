package dev.kiff.core.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrphanSweepTest {

    private static final Duration GRACE = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final List<SandboxInventory.Held> engine = new ArrayList<>();
    private final SandboxInventory inventory = new SandboxInventory() {
        @Override
        public List<SandboxInventory.Held> sandboxes() {
            return List.copyOf(engine);
        }

        @Override
        public void remove(SandboxInventory.Held sandbox) {
            engine.remove(sandbox);
        }
    };
    private final OrphanSweep sweep = new OrphanSweep(inventory, "me", GRACE, clock);

    private SandboxInventory.Held sandbox(String worker) {
        SandboxInventory.Held held = new SandboxInventory.Held("c-" + engine.size(), worker, clock.instant());
        engine.add(held);
        return held;
    }

    /** A grace later, with this worker and {@code live} reporting just now. */
    private void aGraceLater(String... live) {
        clock.advance(GRACE.plusSeconds(1));
        sweep.reported("me", clock.instant());
        for (String worker : live) {
            sweep.reported(worker, clock.instant());
        }
    }

    @Test
    void removesTheSandboxesOfAWorkerThatStoppedReporting() {
        sweep.reported("dead", clock.instant());
        SandboxInventory.Held orphan = sandbox("dead");
        SandboxInventory.Held live = sandbox("alive");
        SandboxInventory.Held own = sandbox("me");

        aGraceLater("alive");

        assertThat(sweep.tick()).isEqualTo(1);
        assertThat(engine).containsExactly(live, own).doesNotContain(orphan);
    }

    @Test
    void removesTheSandboxesOfAWorkerThatLeft() {
        sweep.reported("leaver", clock.instant());
        sweep.left("leaver");
        sandbox("leaver");

        aGraceLater();

        assertThat(sweep.tick()).isEqualTo(1);
        assertThat(engine).isEmpty();
    }

    @Test
    void aTombstoneDoesNotTakeTheSandboxesOfAWorkerThatStillReports() {
        SandboxInventory.Held held = sandbox("alive");
        aGraceLater("alive");

        sweep.left("alive");

        assertThat(sweep.tick()).isZero();
        assertThat(engine).containsExactly(held);
    }

    @Test
    void removesTheSandboxesOfAWorkerKnownOnlyByItsTombstone() {
        sweep.left("compacted");
        sandbox("compacted");

        aGraceLater();

        assertThat(sweep.tick()).isEqualTo(1);
        assertThat(engine).isEmpty();
    }

    @Test
    void leavesTheSandboxesOfAWorkerItNeverHeardOf() {
        SandboxInventory.Held stranger = sandbox("another-installation");

        aGraceLater();

        assertThat(sweep.tick()).isZero();
        assertThat(engine).containsExactly(stranger);
    }

    @Test
    void leavesASandboxYoungerThanTheGraceWhoseWorkerHasNotReportedYet() {
        aGraceLater();
        SandboxInventory.Held fresh = sandbox("starting");

        clock.advance(GRACE.minusSeconds(1));
        sweep.reported("me", clock.instant());

        assertThat(sweep.tick()).isZero();
        assertThat(engine).containsExactly(fresh);
    }

    @Test
    void aWorkerBackUnderItsNameAfterLeavingIsLive() {
        sweep.left("phoenix");
        SandboxInventory.Held held = sandbox("phoenix");

        aGraceLater("phoenix");

        assertThat(sweep.tick()).isZero();
        assertThat(engine).containsExactly(held);
    }

    @Test
    void judgesNoOneBeforeItWatchedTheReportsForAGrace() {
        sweep.left("ghost");
        sandbox("ghost");
        clock.advance(GRACE.minusSeconds(1));
        sweep.reported("me", clock.instant());

        assertThat(sweep.tick()).isZero();
        assertThat(engine).hasSize(1);
    }

    @Test
    void judgesNoOneWhileItsOwnReportsDoNotComeBack() {
        sweep.left("ghost");
        sandbox("ghost");
        sweep.reported("me", clock.instant());

        clock.advance(GRACE.plusSeconds(1));

        assertThat(sweep.tick()).as("a view cut off from the reports takes everyone for gone").isZero();
        assertThat(engine).hasSize(1);
    }
}
