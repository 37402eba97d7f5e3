package dev.kiff.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CompletedOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("kiff.jobs.code-exec", 0);
    private static final TopicPartition P1 = new TopicPartition("kiff.jobs.code-exec", 1);
    private static final TopicPartition ML = new TopicPartition("kiff.jobs.ml-agent", 0);

    private final CompletedOffsets offsets = new CompletedOffsets();

    private static Map<TopicPartition, OffsetAndMetadata> commit(TopicPartition partition, long offset) {
        return Map.of(partition, new OffsetAndMetadata(offset));
    }

    private void taken(TopicPartition partition, long... taken) {
        for (long offset : taken) {
            offsets.taken(partition, offset);
        }
    }

    /** Commits what is committable, as the feed does once the broker took it. */
    private Map<TopicPartition, OffsetAndMetadata> commitNow() {
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        offsets.committed(commit);
        return commit;
    }

    @Test
    void hasNothingToCommitBeforeAnyJobIsTaken() {
        assertThat(offsets.committable()).isEmpty();
        assertThat(offsets.inFlight()).isZero();
    }

    @Test
    void commitsTheLowestOffsetStillInFlight() {
        taken(P0, 10, 11, 12);

        assertThat(offsets.committable()).isEqualTo(commit(P0, 10));
    }

    @Test
    void commitsOnePastTheHighestTakenWhenAllAreDone() {
        taken(P0, 10, 11, 12);
        offsets.done(P0, 10);
        offsets.done(P0, 11);
        offsets.done(P0, 12);

        assertThat(offsets.committable()).isEqualTo(commit(P0, 13));
    }

    @Test
    void outOfOrderCompletionCommitsOnlyTheContiguousPrefix() {
        taken(P0, 0, 1, 2, 3, 4);

        offsets.done(P0, 2);
        offsets.done(P0, 3);
        assertThat(offsets.committable()).isEqualTo(commit(P0, 0)); // 0 is still running: 2 and 3 wait behind it

        offsets.done(P0, 0);
        assertThat(offsets.committable()).isEqualTo(commit(P0, 1));

        offsets.done(P0, 1);
        assertThat(offsets.committable()).isEqualTo(commit(P0, 4)); // 2 and 3 were done already

        offsets.done(P0, 4);
        assertThat(offsets.committable()).isEqualTo(commit(P0, 5));
    }

    @Test
    void aLongJobHoldsBackOnlyItsOwnPartition() {
        taken(P0, 7, 8);
        taken(P1, 3, 4);
        offsets.done(P0, 8);
        offsets.done(P1, 3);
        offsets.done(P1, 4);

        assertThat(offsets.committable()).isEqualTo(Map.of(
                P0, new OffsetAndMetadata(7),
                P1, new OffsetAndMetadata(5)));
    }

    @Test
    void hasNothingToCommitTwiceAfterTheBrokerTookIt() {
        taken(P0, 0, 1);
        offsets.done(P0, 0);

        assertThat(commitNow()).isEqualTo(commit(P0, 1));
        assertThat(offsets.committable()).isEmpty();

        offsets.done(P0, 1);
        assertThat(commitNow()).isEqualTo(commit(P0, 2));
        assertThat(offsets.committable()).isEmpty();
    }

    @Test
    void offersTheSameCommitAgainUntilTheBrokerTookIt() {
        taken(P0, 5);
        offsets.done(P0, 5);

        assertThat(offsets.committable()).isEqualTo(commit(P0, 6));
        assertThat(offsets.committable()).isEqualTo(commit(P0, 6)); // the first commit failed: try again
    }

    @Test
    void commitsOnlyThePartitionsThatMovedSinceTheLastCommit() {
        taken(P0, 0);
        taken(P1, 0);
        offsets.done(P0, 0);
        offsets.done(P1, 0);
        commitNow();

        taken(P1, 1);
        offsets.done(P1, 1);

        assertThat(offsets.committable()).isEqualTo(commit(P1, 2));
    }

    @Test
    void anOlderCommitNeverMovesTheCommittedOffsetBack() {
        taken(P0, 0, 1, 2);
        offsets.done(P0, 0);
        offsets.done(P0, 1);
        offsets.done(P0, 2);
        offsets.committed(commit(P0, 3));

        offsets.committed(commit(P0, 1)); // a late answer to an earlier commit

        assertThat(offsets.committable()).isEmpty();
    }

    @Test
    void ignoresDoneForAnOffsetNeverTaken() {
        taken(P0, 4);

        offsets.done(P0, 3);
        offsets.done(P1, 4);

        assertThat(offsets.inFlight()).isEqualTo(1);
        assertThat(offsets.committable()).isEqualTo(commit(P0, 4));
    }

    @Test
    void ignoresCommitsOfPartitionsItDoesNotTrack() {
        offsets.committed(commit(P1, 9));

        assertThat(offsets.committable()).isEmpty();
        taken(P1, 2);
        assertThat(offsets.committable()).isEqualTo(commit(P1, 2));
    }

    @Test
    void countsJobsInFlightOverAllPartitions() {
        taken(P0, 0, 1, 2);
        taken(P1, 0);
        taken(ML, 40, 41);
        assertThat(offsets.inFlight()).isEqualTo(6);

        offsets.done(P0, 1);
        offsets.done(ML, 41);
        assertThat(offsets.inFlight()).isEqualTo(4);

        offsets.done(P0, 0);
        offsets.done(P0, 2);
        offsets.done(P1, 0);
        offsets.done(ML, 40);
        assertThat(offsets.inFlight()).isZero();
    }

    @Test
    void countsAnOffsetTakenTwiceOnce() {
        taken(P0, 3, 3);

        assertThat(offsets.inFlight()).isEqualTo(1);
        offsets.done(P0, 3);
        assertThat(offsets.inFlight()).isZero();
        assertThat(offsets.committable()).isEqualTo(commit(P0, 4));
    }

    @Test
    void forgetDropsTheLostPartitionsOnly() {
        taken(P0, 0, 1);
        taken(P1, 5);
        taken(ML, 7);

        offsets.forget(List.of(P0, ML));

        assertThat(offsets.committable()).isEqualTo(commit(P1, 5));
        assertThat(offsets.inFlight()).isEqualTo(1);
    }

    @Test
    void aJobOfAForgottenPartitionEndsWithoutACommit() {
        taken(P0, 0);
        offsets.forget(List.of(P0));

        offsets.done(P0, 0);

        assertThat(offsets.committable()).isEmpty();
        assertThat(offsets.inFlight()).isZero();
    }

    @Test
    void aPartitionAssignedAgainStartsFromWhatItIsGivenThen() {
        taken(P0, 0, 1);
        offsets.done(P0, 0);
        offsets.done(P0, 1);
        commitNow();
        offsets.forget(List.of(P0));

        taken(P0, 30); // the new assignment resumes where the last owner committed

        assertThat(offsets.committable()).isEqualTo(commit(P0, 30));
        offsets.done(P0, 30);
        assertThat(offsets.committable()).isEqualTo(commit(P0, 31));
    }

    @Test
    void forgettingAPartitionItNeverTookChangesNothing() {
        taken(P0, 2);

        offsets.forget(List.of(P1));

        assertThat(offsets.inFlight()).isEqualTo(1);
        assertThat(offsets.committable()).isEqualTo(commit(P0, 2));
    }
}
