package io.upshift.kubernetes;

/** The step's Deployment does not exist (or was deleted while the step waited). */
public class DeploymentNotFoundException extends RolloutException {

    public DeploymentNotFoundException(String namespace, String deployment) {
        super("Deployment " + namespace + "/" + deployment + " not found");
    }
}
