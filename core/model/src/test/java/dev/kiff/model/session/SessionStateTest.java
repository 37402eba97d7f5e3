package dev.kiff.model.session;

import static dev.kiff.model.session.SessionState.BUSY;
import static dev.kiff.model.session.SessionState.CREATING;
import static dev.kiff.model.session.SessionState.DELETED;
import static dev.kiff.model.session.SessionState.EXPIRED;
import static dev.kiff.model.session.SessionState.IDLE;
import static dev.kiff.model.session.SessionState.LOST;
import static dev.kiff.model.session.SessionState.READY;
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

class SessionStateTest {

    /**
     * The expected transition table, written out independently of the one in {@link SessionState} (the design's
     * table, section 2.2): row = from, column = to, {@code x} = a legal move.
     */
    private static final String MATRIX = """
            from \\ to  CREATING READY BUSY IDLE EXPIRED DELETED LOST
            CREATING    .        x     .    .    x       x       x
            READY       .        .     x    .    x       x       x
            BUSY        .        .     .    x    x       x       x
            IDLE        .        .     x    .    x       x       x
            EXPIRED     .        .     .    .    .       .       .
            DELETED     .        .     .    .    .       .       .
            LOST        .        .     .    .    .       .       .
            """;

    private static final Map<SessionState, Set<SessionState>> LEGAL = parse(MATRIX);

    private static Map<SessionState, Set<SessionState>> parse(String matrix) {
        List<String[]> rows = matrix.lines().map(line -> line.trim().split("\\s+")).toList();
        List<SessionState> columns = Stream.of(rows.get(0)).skip(3).map(SessionState::valueOf).toList();
        Map<SessionState, Set<SessionState>> legal = new EnumMap<>(SessionState.class);
        for (String[] row : rows.subList(1, rows.size())) {
            Set<SessionState> to = EnumSet.noneOf(SessionState.class);
            for (int i = 0; i < columns.size(); i++) {
                if (row[i + 1].equals("x")) {
                    to.add(columns.get(i));
                }
            }
            legal.put(SessionState.valueOf(row[0]), to);
        }
        return legal;
    }

    static Stream<Arguments> everyPair() {
        return Stream.of(SessionState.values())
                .flatMap(from -> Stream.of(SessionState.values()).map(to -> Arguments.of(from, to)));
    }

    @Test
    void expectedTableCoversEveryStateInBothDirections() {
        assertThat(LEGAL).containsOnlyKeys(SessionState.values());
        assertThat(MATRIX.lines().findFirst().orElseThrow().split("\\s+")).hasSize(3 + SessionState.values().length);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void canMoveToMatchesTheExpectedTable(SessionState from, SessionState to) {
        assertThat(from.canMoveTo(to)).isEqualTo(LEGAL.get(from).contains(to));
    }

    @ParameterizedTest
    @EnumSource(SessionState.class)
    void originsAreTheRowsWithAnXInTheColumn(SessionState to) {
        Set<SessionState> expected = EnumSet.noneOf(SessionState.class);
        LEGAL.forEach((from, targets) -> {
            if (targets.contains(to)) {
                expected.add(from);
            }
        });
        assertThat(SessionState.origins(to)).isEqualTo(expected);
    }

    /** A named transition: how to apply it and where it leads. */
    private record Named(String name, UnaryOperator<SessionState> apply, SessionState to) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Named> namedTransitions() {
        return Stream.of(
                new Named("ready", SessionState::ready, READY),
                new Named("busy", SessionState::busy, BUSY),
                new Named("idle", SessionState::idle, IDLE),
                new Named("expire", SessionState::expire, EXPIRED),
                new Named("delete", SessionState::delete, DELETED),
                new Named("lose", SessionState::lose, LOST));
    }

    static Stream<Arguments> everyStateWithEveryNamedTransition() {
        return Stream.of(SessionState.values()).flatMap(from -> namedTransitions().map(t -> Arguments.of(from, t)));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("everyStateWithEveryNamedTransition")
    void namedTransitionReturnsItsTargetWhereTheTableAllowsAndThrowsNamingFromAndToElsewhere(SessionState from,
            Named t) {
        if (LEGAL.get(from).contains(t.to())) {
            assertThat(t.apply().apply(from)).isEqualTo(t.to());
        } else {
            assertThatThrownBy(() -> t.apply().apply(from))
                    .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                        assertThat(e.from()).isEqualTo(from);
                        assertThat(e.to()).isEqualTo(t.to());
                        assertThat(e).hasMessage("illegal session state transition from " + from + " to " + t.to());
                    });
        }
    }

    @Test
    void everyMoveOfTheTableHasANamedTransition() {
        LEGAL.forEach((from, targets) -> targets.forEach(to -> assertThat(namedTransitions())
                .as("%s -> %s", from, to)
                .anyMatch(t -> t.to() == to)));
    }

    @Test
    void nothingLeavesAnEndedStateSoASessionNeverRestartsEmpty() {
        for (SessionState ended : EnumSet.of(EXPIRED, DELETED, LOST)) {
            assertThat(ended.isTerminal()).isTrue();
            assertThat(SessionState.values()).noneMatch(ended::canMoveTo);
        }
        assertThat(SessionState.OPEN).containsExactlyInAnyOrder(CREATING, READY, BUSY, IDLE);
        assertThat(SessionState.OPEN).noneMatch(SessionState::isTerminal);
    }

    @Test
    void readyAndIdleTakeRunsAndNothingElseDoes() {
        assertThat(SessionState.RUNNABLE).containsExactlyInAnyOrder(READY, IDLE);
        assertThat(SessionState.origins(BUSY)).isEqualTo(SessionState.RUNNABLE);
    }

    @Test
    void anIllegalTransitionIsAnIllegalStateNotASessionFailure() {
        assertThat(new IllegalTransitionException(LOST, READY)).isInstanceOf(IllegalStateException.class);
    }
}
