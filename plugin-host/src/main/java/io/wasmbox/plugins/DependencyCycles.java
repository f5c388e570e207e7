package io.wasmbox.plugins;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;

/**
 * The dependency cycles among plugins (PF4J only says that there is one, and then resolves nothing): each
 * strongly connected component of the required-dependency graph with more than one plugin, or a plugin
 * depending on itself. Optional dependencies are not edges, as in PF4J's own resolver.
 */
final class DependencyCycles {
    private DependencyCycles() {}

    /** Each cycle as a path of ids from its smallest id back to (not repeating) it, e.g. [a, b, c] for a -> b -> c -> a. */
    static List<List<String>> find(Collection<PluginDescriptor> descriptors) {
        Map<String, List<String>> edges = new TreeMap<>();
        for (PluginDescriptor d : descriptors) edges.put(d.getPluginId(), new ArrayList<>());
        for (PluginDescriptor d : descriptors) {
            for (PluginDependency dep : d.getDependencies()) {
                if (!dep.isOptional() && edges.containsKey(dep.getPluginId())) {
                    edges.get(d.getPluginId()).add(dep.getPluginId());
                }
            }
        }
        List<List<String>> cycles = new ArrayList<>();
        for (List<String> component : new Tarjan(edges).components()) {
            String start = component.stream().sorted().findFirst().orElseThrow();
            if (component.size() == 1 && !edges.get(start).contains(start)) continue;
            cycles.add(shortestCycle(start, edges, component));
        }
        return cycles;
    }

    /** The shortest path from {@code start} back to it inside its component (breadth first). */
    private static List<String> shortestCycle(String start, Map<String, List<String>> edges, List<String> component) {
        Map<String, String> previous = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String at = queue.removeFirst();
            for (String next : edges.get(at)) {
                if (!component.contains(next)) continue;
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>();
                    for (String p = at; p != null; p = previous.get(p)) path.addFirst(p);
                    return path;
                }
                if (!previous.containsKey(next)) {
                    previous.put(next, at);
                    queue.addLast(next);
                }
            }
        }
        throw new IllegalStateException("no cycle through " + start); // a component always has one
    }

    /** Tarjan's strongly connected components, iterative (a long dependency chain must not overflow the stack). */
    private static final class Tarjan {
        private final Map<String, List<String>> edges;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new HashSet<>();
        private final List<List<String>> components = new ArrayList<>();
        private int counter;

        Tarjan(Map<String, List<String>> edges) {
            this.edges = edges;
        }

        List<List<String>> components() {
            for (String v : edges.keySet()) if (!index.containsKey(v)) visit(v);
            return components;
        }

        private void visit(String root) {
            Deque<Object[]> work = new ArrayDeque<>(); // {vertex, next edge position}
            enter(root);
            work.push(new Object[] {root, 0});
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                int i = (Integer) frame[1];
                List<String> out = edges.get(v);
                if (i < out.size()) {
                    frame[1] = i + 1;
                    String w = out.get(i);
                    if (!index.containsKey(w)) {
                        enter(w);
                        work.push(new Object[] {w, 0});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    List<String> component = new ArrayList<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (!w.equals(v));
                    components.add(component);
                }
            }
        }

        private void enter(String v) {
            index.put(v, counter);
            low.put(v, counter);
            counter++;
            stack.push(v);
            onStack.add(v);
        }
    }
}
