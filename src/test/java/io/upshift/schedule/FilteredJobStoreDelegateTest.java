package io.upshift.schedule;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Finding 5: what Quartz still deserializes passes a filter (JDK and Quartz classes only). */
class FilteredJobStoreDelegateTest {

    /** Stands for a gadget class on the classpath. */
    record Planted(String command) implements Serializable {
    }

    private static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @Test
    void readsJdkAndQuartzDataAndRefusesAnythingElse() throws Exception {
        Map<String, Object> data = new HashMap<>(Map.of("scheduleId", "s-1"));
        assertThat(FilteredJobStoreDelegate.read(serialize(data))).isEqualTo(data);
        assertThat(FilteredJobStoreDelegate.read(serialize(new org.quartz.JobDataMap(data)))).isNotNull();
        assertThat(FilteredJobStoreDelegate.read(null)).isNull();
        Map<String, Object> planted = new HashMap<>(Map.of("x", new Planted("touch /tmp/owned")));
        assertThatThrownBy(() -> FilteredJobStoreDelegate.read(serialize(planted)))
                .isInstanceOf(IOException.class).hasMessageContaining("refused");
    }
}
