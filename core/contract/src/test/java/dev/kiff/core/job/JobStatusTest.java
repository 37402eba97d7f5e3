package dev.kiff.core.job;

import static dev.kiff.core.job.JobStatus.CANCELLED;
import static dev.kiff.core.job.JobStatus.ERROR;
import static dev.kiff.core.job.JobStatus.FAILED;
import static dev.kiff.core.job.JobStatus.OOM_KILLED;
import static dev.kiff.core.job.JobStatus.QUEUED;
import static dev.kiff.core.job.JobStatus.REJECTED;
import static dev.kiff.core.job.JobStatus.RUNNING;
import static dev.kiff.core.job.JobStatus.SUCCEEDED;
import static dev.kiff.core.job.JobStatus.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class JobStatusTest {

    /** The expected table, written out independently of the one in JobStatus. */
    private static final Map<JobStatus, Set<JobStatus>> LEGAL = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED, REJECTED, ERROR),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED, CANCELLED, ERROR, QUEUED),
            REJECTED, EnumSet.of(QUEUED),
            SUCCEEDED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.noneOf(JobStatus.class),
            TIMED_OUT, EnumSet.noneOf(JobStatus.class),
            OOM_KILLED, EnumSet.noneOf(JobStatus.class),
            CANCELLED, EnumSet.noneOf(JobStatus.class),
            ERROR, EnumSet.noneOf(JobStatus.class));

    static Stream<Arguments> everyPair() {
        return Stream.of(JobStatus.values())
                .flatMap(from -> Stream.of(JobStatus.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void allowsExactlyTheMovesOfTheTable(JobStatus from, JobStatus to) {
        assertThat(from.canMoveTo(to)).isEqualTo(LEGAL.get(from).contains(to));
    }

    /** Each named transition, as the function it applies, with the state it leads to. */
    static Stream<Arguments> namedTransitions() {
        return Stream.of(
                Arguments.of("start", (UnaryOperator<JobStatus>) JobStatus::start, RUNNING),
                Arguments.of("retry", (UnaryOperator<JobStatus>) JobStatus::retry, QUEUED),
                Arguments.of("cancel", (UnaryOperator<JobStatus>) JobStatus::cancel, CANCELLED),
                Arguments.of("reject", (UnaryOperator<JobStatus>) JobStatus::reject, REJECTED),
                Arguments.of("resubmit", (UnaryOperator<JobStatus>) JobStatus::resubmit, QUEUED),
                Arguments.of("fail", (UnaryOperator<JobStatus>) JobStatus::fail, ERROR),
                Arguments.of("complete(SUCCEEDED)", (UnaryOperator<JobStatus>) s -> s.complete(SUCCEEDED), SUCCEEDED),
                Arguments.of("complete(FAILED)", (UnaryOperator<JobStatus>) s -> s.complete(FAILED), FAILED),
                Arguments.of("complete(TIMED_OUT)", (UnaryOperator<JobStatus>) s -> s.complete(TIMED_OUT), TIMED_OUT),
                Arguments.of("complete(OOM_KILLED)", (UnaryOperator<JobStatus>) s -> s.complete(OOM_KILLED),
                        OOM_KILLED),
                Arguments.of("complete(ERROR)", (UnaryOperator<JobStatus>) s -> s.complete(ERROR), ERROR));
    }

    static Stream<Arguments> everyStateWithEveryNamedTransition() {
        return Stream.of(JobStatus.values()).flatMap(from -> namedTransitions()
                .map(t -> Arguments.of(from, t.get()[0], t.get()[1], t.get()[2])));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("everyStateWithEveryNamedTransition")
    void namedTransitionsMoveOnlyFromTheStatesThatAllowThem(JobStatus from, String name,
            UnaryOperator<JobStatus> transition, JobStatus to) {
        // retry and resubmit are the two moves to QUEUED; each has one origin.
        boolean legal = LEGAL.get(from).contains(to)
                && !(name.equals("retry") && from != RUNNING)
                && !(name.equals("resubmit") && from != REJECTED)
                && !(name.startsWith("complete") && from != RUNNING);
        if (legal) {
            assertThat(transition.apply(from)).isEqualTo(to);
        } else {
            assertThatThrownBy(() -> transition.apply(from))
                    .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                        assertThat(e.from()).isEqualTo(from);
                        assertThat(e.to()).isEqualTo(to);
                        assertThat(e).hasMessage("illegal job state transition from " + from + " to " + to);
                    });
        }
    }

    @Test
    void completeRefusesStatesThatAreNotRunOutcomes() {
        assertThatThrownBy(() -> RUNNING.complete(CANCELLED)).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> RUNNING.complete(QUEUED)).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> RUNNING.complete(REJECTED)).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void terminalStatesAreTheOnesWithAResult() {
        assertThat(EnumSet.allOf(JobStatus.class).stream().filter(JobStatus::isTerminal))
                .containsExactlyInAnyOrder(SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED, CANCELLED, ERROR, REJECTED);
    }
}
