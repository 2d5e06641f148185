package upshift.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import io.upshift.upgrade.PlatformLock;
import io.upshift.upgrade.PlatformLockRepository;
import io.upshift.upgrade.TestDatabase;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The platform lock behind a real idempotent consumer. Outside the io.upshift package tree: the
 * anonymous RouteBuilder would otherwise be picked up by camel-main's package scan.
 */
class PlatformLockRouteTest {

    private HikariDataSource dataSource;
    private PlatformLock lock;
    private CamelContext camel;
    private ProducerTemplate producer;

    @BeforeEach
    void setUp() throws Exception {
        dataSource = TestDatabase.create(24);
        lock = new PlatformLock(dataSource, Clock.systemUTC(), "replica-a", Duration.ofMinutes(1));
        camel = new DefaultCamelContext();
        camel.getRegistry().bind(PlatformLockRepository.BEAN_NAME, new PlatformLockRepository(lock));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:take-lock").routeId("take-lock")
                        .idempotentConsumer(constant(PlatformLock.PLATFORM)).idempotentRepository(PlatformLockRepository.BEAN_NAME)
                            .skipDuplicate(false)
                            .choice()
                                .when(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                                    .setBody(simple("409 ${header.UpshiftLockHolder}"))
                                .when(header("explode").isEqualTo(true))
                                    .throwException(new IllegalStateException("validation failed after the lock was taken"))
                                .otherwise()
                                    .setBody(simple("202 ${header.UpshiftUpgradeId}"))
                            .end()
                        .end();
            }
        });
        // the same EIP as the YAML the lead writes, to pin the key names of Camel 4's YAML DSL
        Resource yaml = ResourceHelper.fromString("take-lock-yaml.camel.yaml", """
                - route:
                    id: take-lock-yaml
                    from:
                      uri: direct:take-lock-yaml
                      steps:
                        - idempotentConsumer:
                            idempotentRepository: platformLock
                            skipDuplicate: false
                            expression:
                              constant: platform
                            steps:
                              - choice:
                                  when:
                                    - simple: "${exchangeProperty.CamelDuplicateMessage} == true"
                                      steps:
                                        - setBody:
                                            simple: "409 ${header.UpshiftLockHolder}"
                                  otherwise:
                                    steps:
                                      - setBody:
                                          simple: "202 ${header.UpshiftUpgradeId}"
                """);
        PluginHelper.getRoutesLoader(camel).loadRoutes(yaml);
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void tearDown() {
        camel.stop();
        dataSource.close();
    }

    private String request(String endpoint, String upgradeId) {
        return producer.requestBodyAndHeader(endpoint, null, PlatformLockRepository.UPGRADE_ID, upgradeId, String.class);
    }

    @Test
    void secondRequestGetsTheHolderUntilTheLockIsReleased() {
        assertThat(request("direct:take-lock", "u1")).isEqualTo("202 u1");
        assertThat(lock.holder(PlatformLock.PLATFORM)).as("completing the exchange keeps the lock").contains("u1");

        assertThat(request("direct:take-lock", "u2")).isEqualTo("409 u1");
        assertThat(request("direct:take-lock-yaml", "u2")).isEqualTo("409 u1");

        assertThat(lock.release(PlatformLock.PLATFORM, "u1")).isTrue();
        assertThat(request("direct:take-lock-yaml", "u3")).isEqualTo("202 u3");
        assertThat(lock.holder(PlatformLock.PLATFORM)).contains("u3");
    }

    @Test
    void aFailedExchangeReleasesTheLockItTook() {
        Exchange failed = producer.request("direct:take-lock", e -> {
            e.getMessage().setHeader(PlatformLockRepository.UPGRADE_ID, "u1");
            e.getMessage().setHeader("explode", true);
        });

        assertThat(failed.getException()).hasMessage("validation failed after the lock was taken");
        assertThat(lock.holder(PlatformLock.PLATFORM)).isEmpty();
        assertThat(request("direct:take-lock", "u2")).isEqualTo("202 u2");
    }

    @Test
    void aRequestWithoutUpgradeIdFailsAndTakesNothing() {
        Exchange failed = producer.request("direct:take-lock", e -> { });

        assertThat(failed.getException()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UpshiftUpgradeId");
        assertThat(lock.holder(PlatformLock.PLATFORM)).isEmpty();
    }

    @Test
    void twentyConcurrentRequestsExactlyOneAccepted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String upgradeId = "u" + i;
                String endpoint = i % 2 == 0 ? "direct:take-lock" : "direct:take-lock-yaml";
                Callable<String> call = () -> {
                    go.await();
                    return request(endpoint, upgradeId);
                };
                answers.add(pool.submit(call));
            }
            go.countDown();
            List<String> bodies = new ArrayList<>();
            for (Future<String> answer : answers) {
                bodies.add(answer.get());
            }

            List<String> accepted = bodies.stream().filter(b -> b.startsWith("202")).toList();
            assertThat(accepted).hasSize(1);
            String winner = accepted.get(0).substring(4);
            assertThat(bodies).filteredOn(b -> b.startsWith("409")).hasSize(19).allMatch(b -> b.equals("409 " + winner));
            assertThat(lock.holder(PlatformLock.PLATFORM)).contains(winner);

            PlatformLockRepository repository = camel.getRegistry()
                    .lookupByNameAndType(PlatformLockRepository.BEAN_NAME, PlatformLockRepository.class);
            assertThat(repository.contains(PlatformLock.PLATFORM)).isTrue();
            assertThat(repository.remove(PlatformLock.PLATFORM)).as("management removal").isTrue();
            assertThat(repository.contains(PlatformLock.PLATFORM)).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }
}
