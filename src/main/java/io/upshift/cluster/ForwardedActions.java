package io.upshift.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.Failures;
import io.upshift.RejectedException;
import io.upshift.lifecycle.Input;
import io.upshift.lifecycle.Reconciler;
import io.upshift.store.Jdbc;
import io.upshift.store.UpgradeRecords;
import io.upshift.upgrade.Action;
import io.upshift.upgrade.PlatformLock;
import io.upshift.upgrade.UpgradeHttp;
import io.upshift.upgrade.UpgradeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions for an upgrade that another replica runs (the platform lock names its instance).
 * Only that replica's event loop knows what is in flight, so only it may decide: the replica that
 * received the request stores it ({@code action_request}), signals the owner ({@link Signal.Kind#ACTION})
 * and waits for the answer ({@link Signal.Kind#ANSWERED}), at most {@code upshift.lifecycle.action-timeout}.
 * The owner claims the requests for the upgrades it runs, puts each through its event loop like an
 * action it received itself, and stores the record or the refusal. The operator gets the same answer
 * (200, 202, 409 with its code) from whichever replica the request reached.
 *
 * <p>The requester owns the row: it deletes it once answered, or, unanswered at the deadline,
 * withdraws it (504 {@code ACTION_NOT_ANSWERED}; a request the owner had claimed may still apply).
 *
 * <p>A request outlives the replica it was meant for: when the owner dies (kill -9) before it
 * decided, the replica that takes the upgrade over claims it when it resumes the upgrade, whether the
 * dead owner had claimed it or not, and answers it within the requester's wait.
 */
public class ForwardedActions {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardedActions.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** A request this replica claimed: {@link #event()} goes through its event loop. */
    public record Claimed(String requestId, Input.Event event) {
    }

    private final Jdbc jdbc;
    private final PlatformLock lock;
    private final UpgradeRecords records;
    private final Reconciler reconciler;
    private final Signals signals;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration timeout;
    private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    public ForwardedActions(Jdbc jdbc, PlatformLock lock, UpgradeRecords records, Reconciler reconciler, Signals signals,
            ObjectMapper json, Clock clock, Duration timeout) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.records = Objects.requireNonNull(records, "records");
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        this.signals = Objects.requireNonNull(signals, "signals");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** True when another live replica holds this upgrade's lock (it runs the upgrade). */
    public boolean elsewhere(Input.Event event) {
        String id = event.upgradeId();
        return !reconciler.isRunning(id) && lock.lease(PlatformLock.PLATFORM)
                .filter(l -> l.holder().equals(id) && !lock.instanceId().equals(l.ownerInstance())).isPresent();
    }

    // ---- the requester

    /** Stores the action, signals the owner and answers with what it decided (the record, or its refusal). */
    public UpgradeRecord forward(Input.Event event) throws InterruptedException {
        Input.Operator op = (Input.Operator) event.input();
        String requestId = UUID.randomUUID().toString();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        waiting.put(requestId, answered);
        try {
            jdbc.update("INSERT INTO action_request (id, upgrade_id, action, requested_by, note, verdict, requested_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)", requestId, event.upgradeId(), op.action().path(), op.by(), op.note(),
                    op.verdict(), clock.instant());
            signals.send(Signal.Kind.ACTION, event.upgradeId());
            LOG.info("Action {} on upgrade {} forwarded to the replica that runs it (request {})", op.action().path(),
                    event.upgradeId(), requestId);
            try {
                answered.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // answered or not: the row says
            }
            if (jdbc.update("DELETE FROM action_request WHERE id = ? AND outcome IS NULL", requestId) == 1) {
                throw new RejectedException(RejectedException.Code.ACTION_NOT_ANSWERED, "action not answered",
                        List.of("upgrade " + event.upgradeId() + " runs on another replica, which did not decide the "
                                + op.action().path() + " within " + timeout + "; read the upgrade before trying again"),
                        Map.of("upgrade", event.upgradeId(), "action", op.action().path()));
            }
            return answer(requestId);
        } finally {
            waiting.remove(requestId);
        }
    }

    /** The owner answered request {@code requestId}. */
    public void answered(String requestId) {
        CompletableFuture<Void> future = waiting.get(requestId);
        if (future != null) {
            future.complete(null);
        }
    }

    private UpgradeRecord answer(String requestId) {
        Answer a = jdbc.one("SELECT outcome, answer FROM action_request WHERE id = ?",
                row -> new Answer(row.getString(1), row.getString(2)), requestId).orElseThrow();
        jdbc.update("DELETE FROM action_request WHERE id = ?", requestId);
        return switch (a.outcome()) {
            case "DONE" -> records.find(a.answer()).orElseThrow(() -> UpgradeHttp.unknown(a.answer()));
            case "REFUSED" -> throw refusal(json, a.answer());
            default -> throw new IllegalStateException("the replica running the upgrade failed to decide the action: "
                    + a.answer());
        };
    }

    private record Answer(String outcome, String answer) {
    }

    // ---- the owner

    /**
     * The unanswered requests for upgrades this replica runs (or has just taken over: it holds their
     * lock), claimed for its event loop. A request another instance claimed but never answered is
     * claimed again: that instance no longer runs the upgrade (it died or handed it over).
     */
    public List<Claimed> claim() {
        List<Claimed> claimed = new ArrayList<>();
        List<Pending> pending = jdbc.query("SELECT id, upgrade_id, action, requested_by, note, verdict, claimed_by"
                + " FROM action_request WHERE outcome IS NULL ORDER BY requested_at", row -> new Pending(new Claimed(row.getString(1),
                        new Input.Event(row.getString(2), new Input.Operator(Action.ofPath(row.getString(3)).orElseThrow(),
                                row.getString(4), row.getString(5), row.getString(6)))), row.getString(7)));
        for (Pending p : pending) {
            Claimed c = p.request();
            if (lock.instanceId().equals(p.claimedBy()) || !runsHere(c.event().upgradeId())) {
                continue;
            }
            // taken only from whoever held it when read (nobody, or an instance that no longer runs the upgrade)
            if (jdbc.update("UPDATE action_request SET claimed_by = ? WHERE id = ? AND claimed_by IS NOT DISTINCT FROM ?"
                    + " AND outcome IS NULL", lock.instanceId(), c.requestId(), p.claimedBy()) == 1) {
                LOG.info("Deciding action {} on upgrade {}, stored by another replica (request {}{})",
                        ((Input.Operator) c.event().input()).action().path(), c.event().upgradeId(), c.requestId(),
                        p.claimedBy() == null ? "" : "; claimed before by " + p.claimedBy() + ", which no longer runs it");
                claimed.add(c);
            }
        }
        return claimed;
    }

    private record Pending(Claimed request, String claimedBy) {
    }

    /** This replica's event loop runs the upgrade, or is about to: it holds the upgrade's lock. */
    private boolean runsHere(String upgradeId) {
        return reconciler.isRunning(upgradeId) || lock.lease(PlatformLock.PLATFORM)
                .filter(l -> l.holder().equals(upgradeId) && lock.instanceId().equals(l.ownerInstance())).isPresent();
    }

    /** The event loop decided: {@code record} is the answer (for a rollback, the new upgrade). */
    public void done(Claimed request, UpgradeRecord record) {
        store(request, "DONE", record.id());
    }

    /** The event loop refused the action, or failed to decide it. */
    public void refused(Claimed request, Exception e) throws JsonProcessingException {
        if (e instanceof RejectedException r) {
            store(request, "REFUSED", json.writeValueAsString(r.body()));
        } else {
            store(request, "FAILED", Failures.message(e));
        }
    }

    private void store(Claimed request, String outcome, String answer) {
        jdbc.update("UPDATE action_request SET outcome = ?, answer = ?, answered_at = ? WHERE id = ? AND outcome IS NULL",
                outcome, answer, clock.instant(), request.requestId());
        signals.send(Signal.Kind.ANSWERED, request.requestId());
        // the requester may be this replica (it took the upgrade over while waiting): its own signals do not come back
        answered(request.requestId());
    }

    /** The refusal as the owner made it: same code, reasons and details. */
    static RejectedException refusal(ObjectMapper json, String body) {
        Map<String, Object> map;
        try {
            map = new LinkedHashMap<>(json.readValue(body, MAP));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable refusal " + body, e);
        }
        String error = String.valueOf(map.remove("error"));
        RejectedException.Code code = RejectedException.Code.valueOf(String.valueOf(map.remove("code")));
        Object reasons = map.remove("reasons");
        List<String> list = new ArrayList<>();
        if (reasons instanceof List<?> l) {
            l.forEach(r -> list.add(String.valueOf(r)));
        }
        return new RejectedException(code, error, list, map);
    }
}
