import type { ReactNode } from "react";
import { render } from "@testing-library/react";
import { I18nProvider } from "./i18n";

export function renderWithI18n(node: ReactNode) {
  return render(<I18nProvider>{node}</I18nProvider>);
}
