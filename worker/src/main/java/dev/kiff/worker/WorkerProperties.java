package dev.kiff.worker;

import dev.kiff.model.job.VmType;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The worker's settings ({@code kiff.worker.*}).
 *
 * @param id                    this worker's name in job records, container labels and the control topics;
 *                              defaults to host name and pid. Give it a stable name so that a restarted worker
 *                              removes the sandboxes its previous run left behind. It is also the worker's static
 *                              member id in the job consumer group ({@code group.instance.id}): a restarted worker
 *                              of the same name takes back its partitions at once instead of waiting for its old
 *                              session to expire. Two running workers must never share a name: the second would
 *                              fence the first out of the group
 * @param vmTypes               the VM types whose job topics this worker consumes
 * @param capacity              the most sandboxes (idle and busy, all VM types together) this worker holds: how many
 *                              jobs it runs at once at most
 * @param initialTarget         warm sandboxes per VM type until the scheduler sets a target (at least the type's
 *                              catalogue minimum)
 * @param startConcurrency      how many sandboxes are started in parallel in the background
 * @param poolTick              how often the pools converge to their targets and replace dead sandboxes
 * @param replaceAfter          how long after a job its single-use sandbox is removed and the replacement started,
 *                              so that the container churn does not compete with storing and publishing the result
 * @param maxDeliveryAttempts   how often a job the platform failed to run is tried before it ends in ERROR
 * @param retryBackoff          the pause before the first retry of such a job; it doubles with every further one
 * @param lease                 how long a running job's heartbeat holds it: a job delivered again runs again only
 *                              once its lease ran out (its worker died). Heartbeats go out every third of it
 * @param drainTimeout          on shutdown, how long running jobs may take to finish before the worker leaves
 *                              them to Kafka's redelivery
 * @param resultPublishTimeout  how long to wait for the broker to take a result
 * @param statePublishInterval  how often the worker publishes its pools' state on the control topic
 * @param outputFlushInterval   how often a running job's output is kept and announced to live watchers
 * @param outputChunkChars      the most characters one chunk of live output holds
 * @param outputCap             the most output of one run that is streamed and kept as its log; beyond it the
 *                              result still carries the captured output (up to the job's outputBytes)
 * @param groupSessionTimeout   how long the job consumer group waits for a silent worker before giving its
 *                              partitions to the others ({@code session.timeout.ms}); a worker that returns under
 *                              the same name within it resumes them without a rebalance
 * @param probeInterval         how often the worker asks the database and the sandbox engine whether they answer;
 *                              while either does not, it takes no jobs (its job consumer is paused) and starts none
 *                              of those it holds, so an outage costs no job an attempt. A job that fails is a reason
 *                              to ask at once, so the interval bounds only how soon the worker sees the end of one
 * @param probeTimeout          how long one such probe waits for its answer: far shorter than an ordinary call's
 *                              timeout, so that a frozen dependency is noticed quickly
 * @param outagePatience        how long a run that ended while the database was unavailable waits for it to return
 *                              to store its result; within it the job ends with that one result, past it the run is
 *                              dropped and the job runs again once the database is back (its record is kept)
 * @param maxSessions           the most sessions this worker holds at once; each holds a sandbox out of its pool
 *                              for the session's life, counted against the capacity. At it, the worker takes no
 *                              open of a session (its open topics are paused), so jobs keep room. Defaults to half
 *                              the capacity (at least 1)
 * @param sessionInterruptGrace how long a session's run past its time limit has to obey its interrupt (a SIGINT,
 *                              which keeps the session's state) before its interpreter is killed and the session
 *                              ends LOST
 * @param sessionRenewInterval  how often the worker renews its lease on the sessions it holds and closes those that
 *                              ended elsewhere; well under the API's {@code kiff.sessions.lost-after}, past which
 *                              the sessions of a silent worker end LOST
 */
@Validated
@ConfigurationProperties("kiff.worker")
public record WorkerProperties(
        String id,
        @NotEmpty List<VmType> vmTypes,
        @Min(1) int capacity,
        @Min(0) int initialTarget,
        @Min(1) int startConcurrency,
        @NotNull Duration poolTick,
        @NotNull Duration replaceAfter,
        @Min(1) int maxDeliveryAttempts,
        @NotNull Duration retryBackoff,
        @NotNull Duration lease,
        @NotNull Duration drainTimeout,
        @NotNull Duration resultPublishTimeout,
        @NotNull Duration statePublishInterval,
        @NotNull Duration outputFlushInterval,
        @Min(256) int outputChunkChars,
        @NotNull DataSize outputCap,
        @NotNull Duration groupSessionTimeout,
        @NotNull Duration probeInterval,
        @NotNull Duration probeTimeout,
        @NotNull Duration outagePatience,
        @Min(1) Integer maxSessions,
        Duration sessionInterruptGrace,
        Duration sessionRenewInterval) {

    public WorkerProperties {
        if (id == null || id.isBlank()) {
            id = processId();
        }
        if (maxSessions == null) {
            maxSessions = Math.max(1, capacity / 2);
        }
        if (sessionInterruptGrace == null) {
            sessionInterruptGrace = Duration.ofSeconds(2);
        }
        if (sessionRenewInterval == null) {
            sessionRenewInterval = Duration.ofSeconds(5);
        }
    }

    /**
     * True when the worker was given a name rather than the process's: only a name outlives a restart, and only a
     * name set by hand is known to be unique among the workers (every worker of a test JVM shares one process).
     */
    public boolean named() {
        return !id.equals(processId());
    }

    /** The default name: host and pid, as RuntimeMXBean's "pid@host" has them. */
    private static String processId() {
        String[] pidAtHost = ManagementFactory.getRuntimeMXBean().getName().split("@", 2);
        return pidAtHost.length == 2 ? pidAtHost[1] + "-" + pidAtHost[0] : pidAtHost[0];
    }
}
