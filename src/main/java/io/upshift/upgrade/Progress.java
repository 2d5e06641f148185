package io.upshift.upgrade;

/** The progress bar: services at target out of all services. */
public record Progress(int completed, int total, int percent) {

    public static Progress of(int completed, int total) {
        return new Progress(completed, total, total == 0 ? 100 : completed * 100 / total);
    }
}
