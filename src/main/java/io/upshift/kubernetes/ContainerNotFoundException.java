package io.upshift.kubernetes;

import java.util.List;

/** The Deployment has no container the step can change. */
public class ContainerNotFoundException extends RolloutException {

    public ContainerNotFoundException(String namespace, String deployment, String wanted, List<String> containers) {
        super("Deployment " + namespace + "/" + deployment + " has no container " + wanted + " (it has "
                + String.join(", ", containers) + ")");
    }
}
