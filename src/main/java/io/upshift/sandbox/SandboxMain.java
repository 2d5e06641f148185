package io.upshift.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import io.upshift.config.JsonConfiguration;
import io.upshift.kubernetes.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sandbox cluster on its own, until the process is stopped, so that it outlives Upshift:
 * Upshift then connects to it in {@code cluster} mode through the kubeconfig written here (and can
 * be killed and restarted while the cluster keeps its state).
 *
 * <pre>java -cp target/upshift.jar io.upshift.sandbox.SandboxMain --data-dir /tmp/sandbox --port 6443</pre>
 *
 * Each option falls back to the system property, then to {@code application.properties} (the
 * file in the working directory, else the jar's copy), then to the built-in default:
 * {@code --data-dir} ({@code upshift.data.dir}), {@code --port} ({@code upshift.sandbox.port}),
 * {@code --seed}, {@code --replicas}, {@code --progress-deadline-seconds},
 * {@code --readiness-delay}, {@code --broken-image-pattern} ({@code upshift.sandbox.*}) and
 * {@code --namespace} ({@code upshift.kubernetes.namespace}).
 */
public final class SandboxMain {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxMain.class);

    /** Option → setting; the option is the setting's last segment except for these two. */
    private static final Map<String, String> OPTIONS = Map.of(
            "data-dir", "upshift.data.dir",
            "namespace", "upshift.kubernetes.namespace",
            "port", "upshift.sandbox.port",
            "seed", "upshift.sandbox.seed",
            "replicas", "upshift.sandbox.replicas",
            "progress-deadline-seconds", "upshift.sandbox.progress-deadline-seconds",
            "readiness-delay", "upshift.sandbox.readiness-delay",
            "broken-image-pattern", "upshift.sandbox.broken-image-pattern",
            "admin-port", "upshift.sandbox.admin-port");

    private static final Map<String, String> DEFAULTS = Map.of(
            "upshift.data.dir", "./data",
            "upshift.kubernetes.namespace", "platform",
            "upshift.sandbox.port", "0",
            "upshift.sandbox.seed", "examples/platform-5.1.2.02.yaml",
            "upshift.sandbox.replicas", "2",
            "upshift.sandbox.progress-deadline-seconds", "600",
            "upshift.sandbox.readiness-delay", "1s",
            "upshift.sandbox.broken-image-pattern", ".*:broken.*",
            "upshift.sandbox.admin-port", "0");

    private SandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        SandboxCluster.Settings settings;
        SandboxFaults faults;
        int adminPort;
        try {
            Properties p = settings(args);
            settings = settings(p);
            faults = faults(p);
            adminPort = integer(p, "upshift.sandbox.admin-port");
        } catch (IllegalArgumentException e) {
            LOG.error("{}; options: {}", e.getMessage(), String.join(", ", OPTIONS.keySet().stream()
                    .sorted().map(o -> "--" + o).toList()));
            System.exit(2);
            return;
        }
        SandboxCluster sandbox = new SandboxCluster(settings, new JsonConfiguration().yamlMapper(), Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        sandbox.faults(faults);
        sandbox.start();
        SandboxAdmin admin = new SandboxAdmin(sandbox, adminPort);
        admin.writeUrl(settings.dataDir().resolve("sandbox.admin"));
        // SIGTERM / Ctrl-C stop the server cleanly; kill -9 just ends the process
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            admin.close();
            sandbox.stop();
            stopped.countDown();
        }, "sandbox-shutdown"));
        LOG.info("Sandbox cluster ready: run Upshift against it with -Dupshift.kubernetes.mode=cluster and KUBECONFIG={}",
                sandbox.kubeconfig());
        stopped.await();
    }

    /** The sandbox settings from {@code args} over system properties over application.properties over defaults. */
    static SandboxCluster.Settings settings(Properties p) {
        return new SandboxCluster.Settings(
                integer(p, "upshift.sandbox.port"),
                Path.of(p.getProperty("upshift.data.dir")),
                p.getProperty("upshift.sandbox.seed"),
                p.getProperty("upshift.kubernetes.namespace"),
                integer(p, "upshift.sandbox.replicas"),
                integer(p, "upshift.sandbox.progress-deadline-seconds"),
                Durations.parse(p.getProperty("upshift.sandbox.readiness-delay")),
                p.getProperty("upshift.sandbox.broken-image-pattern"));
    }

    /** The {@code upshift.sandbox.faults.*} settings (none set: no faults). */
    static SandboxFaults faults(Properties p) {
        Map<String, String> faults = new java.util.TreeMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith(SandboxFaults.PREFIX))
                .forEach(k -> faults.put(k, p.getProperty(k)));
        return SandboxFaults.parse(faults);
    }

    static Properties settings(String[] args) throws IOException {
        Properties p = new Properties();
        p.putAll(DEFAULTS);
        Properties file = applicationProperties();
        Properties system = System.getProperties();
        for (String key : DEFAULTS.keySet()) {
            copy(file, p, key);
            copy(system, p, key);
        }
        for (Properties from : List.of(file, system)) {
            from.stringPropertyNames().stream().filter(k -> k.startsWith(SandboxFaults.PREFIX))
                    .forEach(k -> copy(from, p, k));
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument \"" + arg + "\"");
            }
            String option = arg.substring(2);
            String value;
            int eq = option.indexOf('=');
            if (eq >= 0) {
                value = option.substring(eq + 1);
                option = option.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + option + " needs a value");
            }
            String key = option.startsWith("faults.") ? "upshift.sandbox." + option : OPTIONS.get(option);
            if (key == null) {
                throw new IllegalArgumentException("unknown option --" + option);
            }
            p.setProperty(key, value);
        }
        return p;
    }

    private static void copy(Properties from, Properties to, String key) {
        String value = from.getProperty(key);
        // a placeholder ({{...}}) is Camel's to resolve: keep the default instead
        if (value != null && !value.isBlank() && !value.contains("{{")) {
            to.setProperty(key, value.trim());
        } else if (value != null && value.isBlank() && key.equals("upshift.sandbox.seed")) {
            to.setProperty(key, "");
        }
    }

    private static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        Path file = Path.of("application.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
            return p;
        }
        try (InputStream in = SandboxMain.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return p;
    }

    private static int integer(Properties p, String key) {
        String value = p.getProperty(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not \"" + value + "\"");
        }
    }
}
