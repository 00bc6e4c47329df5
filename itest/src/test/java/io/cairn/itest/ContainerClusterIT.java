package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The container image ({@code deploy/docker/build-image}) as {@code deploy/compose.yaml} runs it:
 * three monitors and three OSDs on one Docker network, each its own container with the compose
 * config. An object written is read back byte for byte; an OSD container killed is marked down
 * while the data stays readable, and comes back; a monitor disconnected from the network leaves a
 * quorum of two that keeps committing, and rejoins. Runs under {@code -Pcontainers}; skips where
 * no Docker daemon answers or the image is not built. Nothing is pulled: Testcontainers' reaper is
 * off there, so the test removes its containers and network itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerClusterIT {
    private static final String IMAGE = System.getProperty("cairn.image", "cairn:latest");
    private static final Path CONF = Path.of("..", "deploy", "docker", "cairn.conf");
    private static final String CONF_IN_CONTAINER = "/etc/cairn/cairn.conf";
    private final List<GenericContainer<?>> containers = new ArrayList<>();
    private Network network;
    private GenericContainer<?> monA;

    @BeforeAll
    void up() throws Exception {
        assumeTrue(dockerAnswers(), "no Docker daemon reachable");
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(IMAGE).exec();
        } catch (RuntimeException notBuilt) {
            assumeTrue(false, "image " + IMAGE + " is not built: run deploy/docker/build-image");
        }
        String conf = Files.readString(CONF, StandardCharsets.UTF_8);
        network = Network.newNetwork();
        for (String m : List.of("a", "b", "c")) {
            containers.add(daemon(conf, "mon-" + m, "mon", m, ".*mon\\." + m + " serving on.*"));
        }
        monA = containers.get(0);
        for (int i = 0; i < 3; i++) {
            containers.add(daemon(conf, "osd-" + i, "osd", Integer.toString(i), ".*osd\\." + i + " booted in epoch.*"));
        }
        Processes.await(() -> cairn("osd", "stat").startsWith("3 osds: 3 up, 3 in"), 120, "three OSDs up and in");
        cairn("osd", "pool", "create", "data", "16");
        Processes.await(() -> Processes.allActiveClean(cairn("pg", "stat")), 120, "PGs active+clean");
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private GenericContainer<?> daemon(String conf, String name, String type, String id, String ready) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetwork(network).withNetworkAliases(name)
                .withCreateContainerCmdModifier(cmd -> cmd.withHostName(name).withName(name + "-" + network.getId()
                        .substring(0, 8)))
                .withCopyToContainer(Transferable.of(conf), CONF_IN_CONTAINER)
                .withCommand(type, id)
                .waitingFor(Wait.forLogMessage(ready + "\\n", 1).withStartupTimeout(Duration.ofSeconds(120)));
        c.start();
        return c;
    }

    @AfterAll
    void down() {
        for (GenericContainer<?> c : containers.reversed()) {
            try {
                c.stop();
            } catch (RuntimeException e) {
                System.out.println("ContainerClusterIT: removing " + c.getContainerName() + ": " + e);
            }
        }
        if (network != null) {
            network.close();
        }
    }

    /** A cairn command in monitor a's container; fails the test unless it exits 0. */
    private String cairn(String... args) {
        return exec(monA, args);
    }

    private static String exec(GenericContainer<?> c, String... args) {
        List<String> cmd = new ArrayList<>(List.of("/opt/cairn/bin/cairn", "-c", CONF_IN_CONTAINER));
        cmd.addAll(List.of(args));
        try {
            Container.ExecResult r = c.execInContainer(cmd.toArray(String[]::new));
            assertEquals(0, r.getExitCode(), String.join(" ", args) + ": " + r.getStdout() + r.getStderr());
            return r.getStdout();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Writes a random object inside monitor a's container and reads it back: the bytes must match. */
    private void roundTrip(String object) throws Exception {
        Container.ExecResult r = monA.execInContainer("bash", "-c", "head -c 300000 /dev/urandom > /tmp/" + object
                + " && cairn -c " + CONF_IN_CONTAINER + " rados -p data put " + object + " /tmp/" + object
                + " && cairn -c " + CONF_IN_CONTAINER + " rados -p data get " + object + " /tmp/" + object + ".back"
                + " && cmp /tmp/" + object + " /tmp/" + object + ".back");
        assertEquals(0, r.getExitCode(), "put, get and cmp of " + object + ": " + r.getStdout() + r.getStderr());
    }

    @Test
    @Order(1)
    void anObjectWrittenIsReadBackByteForByte() throws Exception {
        roundTrip("first");
        assertTrue(cairn("status").contains("3 osds: 3 up"));
    }

    @Test
    @Order(2)
    void aKilledOsdContainerIsMarkedDownAndComesBack() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        GenericContainer<?> osd2 = containers.get(5);
        docker.killContainerCmd(osd2.getContainerId()).exec();
        Processes.await(() -> cairn("osd", "stat").startsWith("3 osds: 2 up"), 90, "osd.2 marked down");
        roundTrip("while-osd2-down");
        Container.ExecResult first = monA.execInContainer("bash", "-c", "cairn -c " + CONF_IN_CONTAINER
                + " rados -p data get first /tmp/first.again && cmp /tmp/first /tmp/first.again");
        assertEquals(0, first.getExitCode(), "the object written before the kill reads back the same: "
                + first.getStdout() + first.getStderr());
        docker.startContainerCmd(osd2.getContainerId()).exec();
        Processes.await(() -> cairn("osd", "stat").startsWith("3 osds: 3 up, 3 in"), 120, "osd.2 up again");
        Processes.await(() -> Processes.allActiveClean(cairn("pg", "stat")), 180, "PGs active+clean again");
    }

    @Test
    @Order(3)
    void aMonitorCutFromTheNetworkLeavesAQuorumOfTwoAndRejoins() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        GenericContainer<?> monC = containers.get(2);
        docker.disconnectFromNetworkCmd().withNetworkId(network.getId()).withContainerId(monC.getContainerId())
                .withForce(true).exec();
        Processes.await(() -> cairn("quorum_status").replaceAll("\\s", "").contains("\"quorum_names\":[\"a\",\"b\"]"), 60,
                "quorum a,b");
        roundTrip("while-monc-cut");
        cairn("osd", "pool", "create", "after-cut", "8");
        docker.connectToNetworkCmd().withNetworkId(network.getId()).withContainerId(monC.getContainerId())
                .withContainerNetwork(new ContainerNetwork().withAliases("mon-c")).exec();
        Processes.await(() -> cairn("quorum_status").replaceAll("\\s", "").contains("\"quorum_names\":[\"a\",\"b\",\"c\"]"), 90,
                "mon.c back in quorum");
        // c caught up: the map epoch it applied (its own metrics) reaches the one the pool was made in
        int epoch = Integer.parseInt(cairn("osd", "dump").lines().filter(l -> l.startsWith("epoch "))
                .findFirst().orElseThrow().substring(6).strip());
        Processes.await(() -> appliedEpoch(monC) >= epoch, 60, "mon.c applied epoch " + epoch);
    }

    /** The OSDMap epoch a monitor applied, from its own /metrics (port + 2000), read inside its container. */
    private static int appliedEpoch(GenericContainer<?> mon) {
        try {
            Container.ExecResult r = mon.execInContainer("bash", "-c", "exec 3<>/dev/tcp/$(hostname)/8789 && "
                    + "printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3");
            return r.getStdout().lines().filter(l -> l.startsWith("cairn_mon_osdmap_epoch"))
                    .map(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
