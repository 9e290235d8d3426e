import { useRef, type ReactNode } from "react";
import { Button } from "./ui";

/**
 * A button that opens the file picker for one file of the `accept` types (MIME list, as the
 * input's `accept`) and hands it to `onFile`; the same file can be picked again afterwards.
 * `inputTestId` names the hidden input (tests set its files), `buttonTestId` the button.
 */
export function FileButton({
  accept,
  onFile,
  disabled,
  inputTestId,
  buttonTestId,
  children,
}: {
  accept: string;
  onFile: (file: File) => void;
  disabled?: boolean;
  inputTestId: string;
  buttonTestId?: string;
  children: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        accept={accept}
        className="hidden"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onFile(file);
          e.target.value = "";
        }}
        data-testid={inputTestId}
      />
      <Button variant="secondary" disabled={disabled} onClick={() => input.current?.click()} data-testid={buttonTestId}>
        {children}
      </Button>
    </>
  );
}
