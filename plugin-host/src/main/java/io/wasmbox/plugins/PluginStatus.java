package io.wasmbox.plugins;

import io.wasmbox.Limits;
import java.nio.file.Path;
import java.util.List;
import org.pf4j.PluginState;

/**
 * A snapshot of one loaded plugin, for dashboards and logs.
 *
 * @param id the plugin id
 * @param version its version
 * @param language the Wasmbox language of its entry script
 * @param path its directory or zip
 * @param state PF4J's state: STARTED when it takes calls; DISABLED after misbehaving or by request; FAILED
 *     when it could not start
 * @param reason why it is disabled, failed or stopped; null while it runs
 * @param grantedCapabilities the host functions its guest has
 * @param deniedCapabilities the ones it declared but did not get (not registered, or refused by the policy)
 * @param limits its effective limits: what it declared, lowered to the host's ceiling (null until it was
 *     first started)
 * @param callsPerSecond its effective call rate limit, 0 for none
 * @param stats its call counters
 * @param sha256 the SHA-256 of its zip file as loaded (hex, what {@code sha256sum} prints, for {@link
 *     CapabilityPolicy#allowListBySha256}); null for a directory
 */
public record PluginStatus(
        String id,
        String version,
        String language,
        Path path,
        PluginState state,
        String reason,
        List<String> grantedCapabilities,
        List<String> deniedCapabilities,
        Limits limits,
        double callsPerSecond,
        PluginStats stats,
        String sha256) {}
