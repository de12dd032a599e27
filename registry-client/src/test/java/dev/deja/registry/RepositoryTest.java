package dev.deja.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepositoryTest {

    @Test
    void dockerHubDefaultsAreTheDockerCli() {
        assertThat(Repository.parse("python:3.12")).isEqualTo(new Repository("registry-1.docker.io", "library/python"));
        assertThat(Repository.parse("localhost:5000/team/app")).hasToString("localhost:5000/team/app");
    }

    @Test
    void repositoriesAreEqualWhenTheirRegistryAndPathAre() {
        Repository app = new Repository("registry.example", "team/app");

        assertThat(app)
                .isEqualTo(Repository.parse("registry.example/team/app:1"))
                .hasSameHashCodeAs(new Repository("registry.example", "team/app"));
        assertThat(app).isNotEqualTo(new Repository("mirror.example", "team/app"));
        assertThat(app).isNotEqualTo(new Repository("registry.example", "team/other"));
    }
}
