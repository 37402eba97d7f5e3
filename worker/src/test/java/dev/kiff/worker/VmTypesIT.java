package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Each VM type's image does what its catalogue entry promises. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class VmTypesIT extends WorkerIntegrationTest {

    static final StandInService ML = StandInService.start();

    @Autowired
    ArtifactStore artifacts;

    @DynamicPropertySource
    static void bindings(DynamicPropertyRegistry registry) {
        registry.add("kiff.gateway.bindings.ml.url", ML::url);
    }

    @AfterAll
    static void stopService() {
        ML.close();
    }

    @Test
    void codeExecRunsNode() {
        JobResult result = run(JobMessages.node("console.log([1, 2, 3].map(x => x * 2).join(','))"));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("2,4,6\n");
    }

    @Test
    void dataProcessingReadsInputWithPandasAndHandsBackACsvArtifact() {
        JobResult result = run(JobMessages.python("""
                import pandas as pd
                frame = pd.read_csv('data/sales.csv')
                totals = frame.groupby('region')['amount'].sum().reset_index()
                totals.to_csv('/out/totals.csv', index=False)
                print(len(frame))
                """).vmType(VmType.DATA_PROCESSING)
                .files(Map.of("data/sales.csv", "region,amount\nnorth,10\nsouth,5\nnorth,7\n")));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("3\n");
        assertThat(result.artifacts()).containsExactly(new ArtifactInfo("totals.csv", 31));
        assertThat(artifacts.find(result.id(), "totals.csv")).hasValueSatisfying(artifact -> assertThat(
                new String(artifact.content(), StandardCharsets.UTF_8)).isEqualTo("region,amount\nnorth,17\nsouth,5\n"));
        assertThat(jobs.find(result.id()).orElseThrow().state().artifacts()).isEqualTo(result.artifacts());
    }

    @Test
    void mlAgentCallsTheMlServiceThroughItsBindingWithTheKiffClient() {
        JobResult result = run(JobMessages.python("""
                import kiff
                print(kiff.ml.predict('sentiment', ['what a day'])['path'])
                try:
                    kiff.url('nope')
                except kiff.BindingNotAvailable:
                    print('no such binding')
                """).vmType(VmType.ML_AGENT));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("/v1/models/sentiment/predict\nno such binding\n");
        assertThat(ML.receivedWithPathPrefix("/v1/models/sentiment/predict"))
                .singleElement().satisfies(r -> assertThat(r.body()).isEqualTo("{\"inputs\": [\"what a day\"]}"));
    }

    @Test
    void apiCompositionHasRequestsAndNodeFetch() {
        JobResult python = run(JobMessages.python("""
                import os, requests
                print(requests.get(os.environ['KIFF_ML_URL'] + '/compose').json()['path'])
                """).vmType(VmType.API_COMPOSITION));
        assertThat(python.status()).as(python.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(python.stdout()).isEqualTo("/compose\n");
        JobResult node = run(JobMessages.node("""
                fetch(process.env.KIFF_ML_URL + '/from-node').then(r => r.json()).then(j => console.log(j.path));
                """).vmType(VmType.API_COMPOSITION));
        assertThat(node.status()).as(node.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(node.stdout()).isEqualTo("/from-node\n");
    }
}
