package io.gatun.operator.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Passes an update only when the object's spec changed ({@code metadata.generation} moved): a
 * watched object's status changes on its own schedule and would otherwise wake every resource that
 * depends on it.
 */
public final class SpecChanged implements OnUpdateFilter<HasMetadata> {

  public static final SpecChanged FILTER = new SpecChanged();

  private SpecChanged() {}

  @Override
  public boolean accept(HasMetadata newer, HasMetadata older) {
    return !Objects.equals(
        newer.getMetadata().getGeneration(), older.getMetadata().getGeneration());
  }
}
