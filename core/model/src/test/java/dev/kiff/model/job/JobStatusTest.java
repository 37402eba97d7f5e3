package dev.kiff.model.job;

import static dev.kiff.model.job.JobStatus.CANCELLED;
import static dev.kiff.model.job.JobStatus.ERROR;
import static dev.kiff.model.job.JobStatus.FAILED;
import static dev.kiff.model.job.JobStatus.OOM_KILLED;
import static dev.kiff.model.job.JobStatus.QUEUED;
import static dev.kiff.model.job.JobStatus.REJECTED;
import static dev.kiff.model.job.JobStatus.RUNNING;
import static dev.kiff.model.job.JobStatus.SUCCEEDED;
import static dev.kiff.model.job.JobStatus.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class JobStatusTest {

    /**
     * The expected transition table, written out independently of the one in {@link JobStatus}: row = from,
     * column = to, {@code x} = a legal move.
     */
    private static final String MATRIX = """
            from \\ to  QUEUED RUNNING SUCCEEDED FAILED TIMED_OUT OOM_KILLED CANCELLED ERROR REJECTED
            QUEUED      .      x       .         .      .         .          x         x     x
            RUNNING     x      .       x         x      x         x          x         x     .
            SUCCEEDED   .      .       .         .      .         .          .         .     .
            FAILED      .      .       .         .      .         .          .         .     .
            TIMED_OUT   .      .       .         .      .         .          .         .     .
            OOM_KILLED  .      .       .         .      .         .          .         .     .
            CANCELLED   .      .       .         .      .         .          .         .     .
            ERROR       x      .       .         .      .         .          .         .     .
            REJECTED    x      .       .         .      .         .          .         .     .
            """;

    private static final Map<JobStatus, Set<JobStatus>> LEGAL = parse(MATRIX);

    private static Map<JobStatus, Set<JobStatus>> parse(String matrix) {
        List<String[]> rows = matrix.lines().map(line -> line.trim().split("\\s+")).toList();
        String[] header = rows.get(0);
        List<JobStatus> columns = Stream.of(header).skip(3).map(JobStatus::valueOf).toList();
        Map<JobStatus, Set<JobStatus>> legal = new EnumMap<>(JobStatus.class);
        for (String[] row : rows.subList(1, rows.size())) {
            Set<JobStatus> to = EnumSet.noneOf(JobStatus.class);
            for (int i = 0; i < columns.size(); i++) {
                if (row[i + 1].equals("x")) {
                    to.add(columns.get(i));
                }
            }
            legal.put(JobStatus.valueOf(row[0]), to);
        }
        return legal;
    }

    static Stream<Arguments> everyPair() {
        return Stream.of(JobStatus.values())
                .flatMap(from -> Stream.of(JobStatus.values()).map(to -> Arguments.of(from, to)));
    }

    @Test
    void expectedTableCoversEveryStatusInBothDirections() {
        assertThat(LEGAL).containsOnlyKeys(JobStatus.values());
        assertThat(MATRIX.lines().findFirst().orElseThrow().split("\\s+")).hasSize(3 + JobStatus.values().length);
        assertThat(everyPair()).hasSize(81);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void canMoveToMatchesTheExpectedTable(JobStatus from, JobStatus to) {
        assertThat(from.canMoveTo(to)).isEqualTo(LEGAL.get(from).contains(to));
    }

    /** A named transition: how to apply it, where it leads, and the only states it may start from. */
    private record Named(String name, UnaryOperator<JobStatus> apply, JobStatus to, Set<JobStatus> origins) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static final Set<JobStatus> RUN_OUTCOMES = EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED, ERROR);

    static Stream<Named> namedTransitions() {
        Stream<Named> simple = Stream.of(
                new Named("start", JobStatus::start, RUNNING, EnumSet.of(QUEUED)),
                new Named("retry", JobStatus::retry, QUEUED, EnumSet.of(RUNNING)),
                new Named("cancel", JobStatus::cancel, CANCELLED, EnumSet.of(QUEUED, RUNNING)),
                new Named("reject", JobStatus::reject, REJECTED, EnumSet.of(QUEUED)),
                new Named("resubmit", JobStatus::resubmit, QUEUED, EnumSet.of(REJECTED)),
                new Named("fail", JobStatus::fail, ERROR, EnumSet.of(QUEUED, RUNNING)),
                new Named("requeue", JobStatus::requeue, QUEUED, EnumSet.of(ERROR)));
        Stream<Named> complete = Stream.of(JobStatus.values()).map(outcome -> new Named("complete(" + outcome + ")",
                s -> s.complete(outcome), outcome,
                RUN_OUTCOMES.contains(outcome) ? EnumSet.of(RUNNING) : EnumSet.noneOf(JobStatus.class)));
        return Stream.concat(simple, complete);
    }

    static Stream<Arguments> everyStateWithEveryNamedTransition() {
        return Stream.of(JobStatus.values()).flatMap(from -> namedTransitions().map(t -> Arguments.of(from, t)));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("everyStateWithEveryNamedTransition")
    void namedTransitionReturnsItsTargetFromItsOriginsAndThrowsNamingFromAndToElsewhere(JobStatus from, Named t) {
        if (t.origins().contains(from)) {
            assertThat(t.apply().apply(from)).isEqualTo(t.to());
        } else {
            assertThatThrownBy(() -> t.apply().apply(from))
                    .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                        assertThat(e.from()).isEqualTo(from);
                        assertThat(e.to()).isEqualTo(t.to());
                        assertThat(e).hasMessage("illegal job state transition from " + from + " to " + t.to());
                    });
        }
    }

    @Test
    void everyLegalNamedTransitionIsAMoveOfTheTable() {
        namedTransitions().forEach(t -> t.origins().forEach(from ->
                assertThat(LEGAL.get(from)).as("%s.%s", from, t).contains(t.to())));
    }

    @Test
    void everyMoveOfTheTableHasANamedTransition() {
        LEGAL.forEach((from, targets) -> targets.forEach(to -> assertThat(namedTransitions())
                .as("%s -> %s", from, to)
                .anyMatch(t -> t.to() == to && t.origins().contains(from))));
    }

    @Test
    void terminalStatusesAreTheOnesWithAResult() {
        assertThat(EnumSet.allOf(JobStatus.class).stream().filter(JobStatus::isTerminal))
                .containsExactlyInAnyOrder(SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED, CANCELLED, ERROR, REJECTED);
        assertThat(QUEUED.isTerminal()).isFalse();
        assertThat(RUNNING.isTerminal()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(names = {"SUCCEEDED", "FAILED", "TIMED_OUT", "OOM_KILLED", "CANCELLED"})
    void endedStatusesHaveNoExits(JobStatus ended) {
        assertThat(JobStatus.values()).noneMatch(ended::canMoveTo);
        assertThatThrownBy(ended::start).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(ended::cancel).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(ended::fail).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void rejectedIsTerminalButItsOneExitIsResubmitToQueued() {
        assertThat(REJECTED.isTerminal()).isTrue();
        assertThat(Stream.of(JobStatus.values()).filter(REJECTED::canMoveTo)).containsExactly(QUEUED);
        assertThat(REJECTED.resubmit()).isEqualTo(QUEUED);
        assertThatThrownBy(REJECTED::retry).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void errorIsTerminalButItsOneExitIsRequeueToQueued() {
        assertThat(ERROR.isTerminal()).isTrue();
        assertThat(Stream.of(JobStatus.values()).filter(ERROR::canMoveTo)).containsExactly(QUEUED);
        assertThat(ERROR.requeue()).isEqualTo(QUEUED);
        assertThatThrownBy(ERROR::retry).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(ERROR::resubmit).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(ERROR::start).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(ERROR::cancel).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(ERROR::fail).isInstanceOf(IllegalTransitionException.class);
    }

    @ParameterizedTest
    @EnumSource(names = {"CANCELLED", "QUEUED", "RUNNING", "REJECTED"})
    void completeRefusesTargetsThatAreNotRunOutcomes(JobStatus notAnOutcome) {
        assertThatThrownBy(() -> RUNNING.complete(notAnOutcome))
                .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                    assertThat(e.from()).isEqualTo(RUNNING);
                    assertThat(e.to()).isEqualTo(notAnOutcome);
                });
    }

    @Test
    void anIllegalTransitionIsAnIllegalStateNotAJobFailure() {
        assertThat(new IllegalTransitionException(QUEUED, SUCCEEDED)).isInstanceOf(IllegalStateException.class);
    }
}
