package dev.fanout.errorprone;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.tools.javac.code.Type;
import java.util.List;
import javax.lang.model.type.TypeKind;

/** Questions about checked exceptions that the fixes ask before they add a throw or a rethrow. */
final class ThrownTypes {
  private ThrownTypes() {}

  /**
   * Whether a {@code throws} clause listing {@code declared} lets code throw {@code type}: some
   * entry is a supertype of it. A type variable entry ({@code throws X}) covers nothing here, since
   * what it stands for is the caller's.
   */
  static boolean covers(List<Type> declared, Type type, VisitorState state) {
    for (Type t : declared) {
      if (t.getKind() != TypeKind.TYPEVAR && ASTHelpers.isSubtype(type, t, state)) {
        return true;
      }
    }
    return false;
  }
}
