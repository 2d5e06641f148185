package io.upshift.kubernetes;

/** What a service step did. */
public enum StepOutcome {
    /** The Deployment was changed and rolled out. */
    ROLLED,
    /** The Deployment already ran the target image and was fully rolled out: nothing was changed. */
    ALREADY_AT_TARGET
}
