package io.upshift.version;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Unmodifiable copies that keep the document's order (env lists and ConfigMap data are written in it). */
final class Ordered {

    private Ordered() {
    }

    static <K, V> Map<K, V> copy(Map<K, V> map) {
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
