package io.upshift.cluster;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignalTest {

    @Test
    void aSignalTravelsAsOneLineAndAnythingElseOnTheChannelIsIgnored() {
        Signal sent = new Signal(Signal.Kind.RELEASED, "upg-1a2b", "replica-a");
        assertThat(sent.payload()).isEqualTo("RELEASED upg-1a2b replica-a");
        assertThat(Signal.parse(sent.payload())).contains(sent);
        assertThat(Signal.parse("HELLO upg-1a2b replica-a")).isEmpty();
        assertThat(Signal.parse("RELEASED upg-1a2b")).isEmpty();
        assertThat(Signal.parse("")).isEmpty();
        assertThat(Signal.parse(null)).isEmpty();
    }

    @Test
    void subjectsAndSendersAreSingleWords() {
        assertThatThrownBy(() -> new Signal(Signal.Kind.ACTION, "upg 1", "replica-a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Signal(Signal.Kind.ACTION, "upg-1", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusalForwardedFromTheOwnerKeepsItsCodeReasonsAndDetails() throws Exception {
        ObjectMapper json = new ObjectMapper();
        RejectedException owner = new RejectedException(RejectedException.Code.ACTION_NOT_ALLOWED, "action not allowed",
                List.of("cannot mark upgrade upg-1: it is UPGRADING"), Map.of("upgrade", "upg-1", "state", "UPGRADING"));

        RejectedException here = ForwardedActions.refusal(json, json.writeValueAsString(owner.body()));

        assertThat(here.code()).isEqualTo(RejectedException.Code.ACTION_NOT_ALLOWED);
        assertThat(here.status()).isEqualTo(409);
        assertThat(here.body()).isEqualTo(owner.body());
    }
}
