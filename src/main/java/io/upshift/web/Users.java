package io.upshift.web;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manages the users file from the command line (the server picks changes up without a restart):
 * <pre>
 * java -cp target/upshift.jar io.upshift.web.Users add NAME viewer|operator [--file PATH]
 * java -cp target/upshift.jar io.upshift.web.Users remove NAME [--file PATH]
 * </pre>
 * {@code add} asks for the password twice on a terminal, or reads its first line from standard
 * input ({@code printf '%s\n' "$PW" | java … add ci-bot viewer}); an existing user gets the new role
 * and password. The file defaults to {@code -Dupshift.auth.users-file}, else {@code data/users.yaml}.
 */
public final class Users {

    private static final Logger LOG = LoggerFactory.getLogger(Users.class);
    static final int MIN_PASSWORD_LENGTH = 12;

    private Users() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                System.console()));
    }

    static int run(String[] args, BufferedReader stdin, Console console) {
        try {
            Path file = Path.of(System.getProperty("upshift.auth.users-file", "data/users.yaml"));
            int fileAt = Arrays.asList(args).indexOf("--file");
            if (fileAt >= 0) {
                if (fileAt + 1 >= args.length) {
                    return usage();
                }
                file = Path.of(args[fileAt + 1]);
                String[] rest = new String[args.length - 2];
                System.arraycopy(args, 0, rest, 0, fileAt);
                System.arraycopy(args, fileAt + 2, rest, fileAt, args.length - fileAt - 2);
                args = rest;
            }
            UserFile users = new UserFile(file);
            if (args.length == 3 && args[0].equals("add")) {
                Role role = Role.of(args[2]);
                String password = readPassword(stdin, console);
                if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
                    LOG.error("The password must have at least {} characters", MIN_PASSWORD_LENGTH);
                    return 1;
                }
                users.put(args[1], role, new Passwords(Integer.getInteger("upshift.auth.hash-iterations",
                        Passwords.DEFAULT_ITERATIONS)).hash(password));
                LOG.info("User '{}' ({}) saved in {}", args[1], role.id(), file);
                return 0;
            }
            if (args.length == 2 && args[0].equals("remove")) {
                if (!users.exists() || !users.remove(args[1])) {
                    LOG.error("No user '{}' in {}", args[1], file);
                    return 1;
                }
                LOG.info("User '{}' removed from {}", args[1], file);
                return 0;
            }
            return usage();
        } catch (IllegalArgumentException | IOException | java.io.UncheckedIOException e) {
            LOG.error(e.getMessage());
            return 1;
        }
    }

    private static String readPassword(BufferedReader stdin, Console console) throws IOException {
        if (console == null) {
            return stdin.readLine();
        }
        char[] first = console.readPassword("Password: ");
        char[] again = console.readPassword("Password again: ");
        if (first == null || !Arrays.equals(first, again)) {
            throw new IllegalArgumentException("the passwords differ");
        }
        return new String(first);
    }

    private static int usage() {
        LOG.error("Usage: Users add NAME viewer|operator [--file PATH]  |  Users remove NAME [--file PATH]");
        return 2;
    }
}
