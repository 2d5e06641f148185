package io.upshift.web;

import java.util.Optional;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.AuthorizationProvider;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;

/**
 * Vert.x authentication and authorization over the users file: a user is who the file names with
 * a matching password; their authorization is the role the file gives them now (a role changed
 * in the file applies to open sessions too).
 */
public class UserDirectory implements AuthenticationProvider, AuthorizationProvider {

    /** Failed logins carry no detail: a wrong name and a wrong password look the same. */
    public static final String WRONG_CREDENTIALS = "wrong user name or password";

    private final WorkerExecutor hashing;
    private final UserFile file;
    private final Passwords passwords;

    /** @param hashing the pool password checks run on, apart from the one that serves the routes and health */
    public UserDirectory(WorkerExecutor hashing, UserFile file, Passwords passwords) {
        this.hashing = hashing;
        this.file = file;
        this.passwords = passwords;
    }

    @Override
    public Future<User> authenticate(Credentials credentials) {
        if (!(credentials instanceof UsernamePasswordCredentials up) || up.getUsername() == null) {
            return Future.failedFuture(WRONG_CREDENTIALS);
        }
        String name = up.getUsername();
        String password = up.getPassword();
        // PBKDF2 takes a noticeable time by design: off the event loop, on a pool of its own
        return hashing.executeBlocking(() -> {
            Optional<UserFile.Entry> entry = UserFile.validName(name) ? file.find(name) : Optional.empty();
            boolean right = entry.isPresent() ? passwords.verify(entry.get().password(), password)
                    : passwords.verifyUnknown(password, file.decoyIterations(name, passwords.iterations()));
            if (!right) {
                throw new IllegalArgumentException(WRONG_CREDENTIALS);
            }
            return User.fromName(name);
        }, false);
    }

    @Override
    public void authenticate(JsonObject credentials, Handler<AsyncResult<User>> resultHandler) {
        authenticate(new UsernamePasswordCredentials(credentials)).onComplete(resultHandler);
    }

    @Override
    public String getId() {
        return "users-file";
    }

    @Override
    public void getAuthorizations(User user, Handler<AsyncResult<Void>> handler) {
        getAuthorizations(user).onComplete(handler);
    }

    @Override
    public Future<Void> getAuthorizations(User user) {
        user.authorizations().clear(getId());
        role(user).ifPresent(role -> user.authorizations().add(getId(), RoleBasedAuthorization.create(role.id())));
        return Future.succeededFuture();
    }

    /** The user's role as the file says now; empty if they were removed since logging on. */
    public Optional<Role> role(User user) {
        return file.role(user.subject());
    }
}
