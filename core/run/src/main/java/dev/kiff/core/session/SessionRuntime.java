package dev.kiff.core.session;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.port.SandboxRuntime;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.RunnerCommand;
import dev.kiff.core.sandbox.SandboxDisplay;
import dev.kiff.core.sandbox.SandboxOutcome;
import dev.kiff.core.sandbox.SessionFile;
import dev.kiff.core.sandbox.SessionOutcome;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.Job;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Runs one command of a session (code, or a file operation) in the session's sandbox, as a {@link SandboxRuntime}, so
 * that a session run goes through the {@code JobExecutor} as any job does (live output, results, usage). What only a
 * session has is turned into what a job has: a PNG the code plotted becomes the run's artifact
 * {@code display/<k>.png}, a downloaded file the artifact named by its path (where the API finds it), a listing a
 * JSON display item. The sandbox stays: it belongs to the session, not to the run.
 */
public final class SessionRuntime implements SandboxRuntime {

    static final String PNG = "image/png";
    static final String JSON = "application/json";

    private final SessionHandle session;
    private final SessionRef ref;
    private volatile SessionOutcome outcome;
    private final List<DisplayItem> display = new ArrayList<>();

    public SessionRuntime(SessionHandle session, SessionRef ref) {
        this.session = session;
        this.ref = ref;
    }

    @Override
    public SandboxOutcome run(Job job, OutputListener output) {
        String id = job.id().toString();
        RunnerCommand command = switch (ref.op()) {
            case RUN -> RunnerCommand.exec(id, job.language(), job.code(), job.stdin(), job.limits().timeoutMs());
            case PUT -> RunnerCommand.put(id, ref.path(),
                    ref.content() == null ? new byte[0] : Base64.getDecoder().decode(ref.content()));
            case GET -> RunnerCommand.get(id, ref.path());
            case LIST -> RunnerCommand.list(id, ref.path());
            case CLOSE -> throw new IllegalArgumentException("a close is no run");
        };
        SessionOutcome ran = session.sandbox().runInSession(command, output);
        outcome = ran;
        List<Artifact> artifacts = new ArrayList<>(ran.outcome().artifacts());
        int images = 0;
        for (SandboxDisplay item : ran.display()) {
            if (item.data() != null) {
                String name = "display/" + ++images + ".png";
                artifacts.add(new Artifact(name, item.data()));
                display.add(new DisplayItem(item.mimeType() == null ? PNG : item.mimeType(), null, name,
                        item.data().length));
            } else if (item.text() != null) {
                display.add(new DisplayItem(item.mimeType(), item.text(), null,
                        item.text().getBytes(StandardCharsets.UTF_8).length));
            }
        }
        boolean succeeded = ran.outcome().exitCode() != null && ran.outcome().exitCode() == 0;
        if (ref.op() == SessionOp.GET && succeeded && ran.data() != null) {
            artifacts.add(new Artifact(ref.path(), ran.data()));
        }
        if (ref.op() == SessionOp.LIST && succeeded) {
            String listing = listing(ran.files());
            display.add(new DisplayItem(JSON, listing, null, listing.getBytes(StandardCharsets.UTF_8).length));
        }
        SandboxOutcome o = ran.outcome();
        return new SandboxOutcome(o.exitCode(), o.stdout(), o.stderr(), o.timedOut(), o.oomKilled(), o.flooded(),
                o.startedAt(), o.finishedAt(), artifacts, o.usage());
    }

    /** What the last command came to; null when it never reached the kernel. */
    public SessionOutcome outcome() {
        return outcome;
    }

    /** The run's display items, artifacts named where they are binary. */
    public List<DisplayItem> display() {
        return List.copyOf(display);
    }

    /** {@code [{"path": ..., "size": ...}]}, the listing the API answers. */
    static String listing(List<SessionFile> files) {
        StringBuilder json = new StringBuilder("[");
        for (SessionFile file : files) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"path\":\"").append(escape(file.path())).append("\",\"size\":").append(file.size())
                    .append('}');
        }
        return json.append(']').toString();
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
