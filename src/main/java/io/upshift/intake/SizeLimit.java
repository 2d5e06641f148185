package io.upshift.intake;

import io.upshift.RejectedException;

/** The largest document Upshift reads ({@code upshift.intake.max-bytes}), checked before reading it. */
public record SizeLimit(long maxBytes) {

    public void check(Long size) {
        if (size != null && size > maxBytes) {
            throw RejectedException.tooLarge(size, maxBytes);
        }
    }
}
