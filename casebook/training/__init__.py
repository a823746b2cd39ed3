"""Staff training: the scenario format and its checker, playing a scenario, the
catalogue of scenarios, stored attempts, certificates, xAPI statements and Twee
import. The shipped scenarios are in ``scenarios/``."""
