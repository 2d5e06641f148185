package io.upshift.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.upshift.web.Passwords;
import io.upshift.web.Role;
import io.upshift.web.UserFile;

/**
 * Start to ready: the README's run command ({@code bin/upshift-server}, i.e. {@code java -jar
 * target/upshift.jar} with the launcher's JVM options; build the jar first) started from the
 * repository root on the embedded defaults, its data in a fresh folder, timed from the fork until
 * {@code GET /api/platform} with HTTP Basic answers 200 (polled every 20 ms), then stopped with
 * SIGTERM. The first start makes the database (every migration); the next ones open it. Each line
 * prints the process's CPU time until ready and the load average beside the figure (this machine is
 * shared: the CPU time is the figure its load moves least).
 *
 * <pre>mvn -q -B -Pbench test-compile exec:exec -Dbench.main=io.upshift.bench.StartBenchmark -Dbench.args="5 bin/upshift-server"</pre>
 * args: starts (default 5), then the command (default {@code bin/upshift-server}; e.g. {@code java -jar target/upshift.jar}).
 */
public final class StartBenchmark {

    private static final String USER = "bench";
    private static final String PASSWORD = "bench-password-1";

    private StartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> command = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("bin/upshift-server");
        Path work = Files.createTempDirectory("upshift-bench-start");
        Path users = work.resolve("users.yaml");
        // few iterations: the poll must time the start, not PBKDF2 (an API token costs as little)
        new UserFile(users).put(USER, Role.OPERATOR, new Passwords(1000).hash(PASSWORD));
        List<Map<String, Object>> runs = new ArrayList<>();
        System.out.printf("%-5s %-10s %12s %14s %10s %s%n", "start", "database", "ready (ms)", "CPU to ready", "RSS (MiB)",
                "load average");
        for (int i = 1; i <= starts; i++) {
            Map<String, Object> run = start(command, work, users, i == 1);
            runs.add(run);
            System.out.printf("%-5d %-10s %12d %11d ms %10d %s%n", i, run.get("database"), run.get("readyMillis"),
                    run.get("cpuMillis"), run.get("rssMiB"), run.get("loadAverage"));
        }
        Path out = Path.of("target/bench/start.json");
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(),
                Map.of("command", String.join(" ", command), "runs", runs));
        System.out.println("raw: " + out + " (logs: " + work + ")");
    }

    private static Map<String, Object> start(List<String> command, Path work, Path users, boolean fresh) throws Exception {
        int port = freePort();
        String load = loadAverage();
        // the settings a bench run changes: JVM options (before -jar; the launcher passes its arguments to the JVM)
        List<String> settings = List.of("-Dcamel.server.port=" + port, "-Dupshift.data.dir=" + work.resolve("data"),
                "-Dupshift.inbox.dir=" + work.resolve("inbox"), "-Dupshift.auth.users-file=" + users);
        List<String> full = new ArrayList<>(command);
        int jar = full.indexOf("-jar");
        full.addAll(jar < 0 ? full.size() : jar, settings);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(work.resolve("start-" + port + ".log").toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/platform"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long ready = -1;
        long deadline = started + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    ready = System.nanoTime() - started;
                    break;
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // listening, not answering yet
            }
            Thread.sleep(20);
        }
        long rss = rssKiB(process.pid());
        long cpu = cpuMillis(process.pid());
        process.destroy();
        // long: bin/upshift-server on Java 17 writes its class data archive as its first run exits
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (ready < 0) {
            throw new IllegalStateException("not ready within 120 s: see " + work);
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("database", fresh ? "created" : "opened");
        run.put("readyMillis", TimeUnit.NANOSECONDS.toMillis(ready));
        run.put("cpuMillis", cpu);
        run.put("rssMiB", rss / 1024);
        run.put("loadAverage", load);
        return run;
    }

    /** RSS of the started JVM (the launcher execs java, so the pid is the JVM's). */
    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /**
     * CPU time (user + system, every thread: JIT and GC included) the JVM used until ready: on this
     * shared machine the figure that does not depend on the other processes' load.
     */
    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command; in clock ticks of 10 ms
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    static String loadAverage() throws IOException {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
