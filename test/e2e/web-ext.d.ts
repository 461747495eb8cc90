// The part of web-ext's Node API the packaging test uses (the package ships no types).
declare module 'web-ext' {
  interface LintMessage {
    code: string;
    message: string;
    file?: string;
  }
  interface LintReport {
    errors: LintMessage[];
    warnings: LintMessage[];
    notices: LintMessage[];
  }
  const webExt: {
    cmd: {
      lint(
        params: {
          sourceDir: string;
          output?: 'json' | 'text' | 'none';
          selfHosted?: boolean;
          warningsAsErrors?: boolean;
        },
        options?: { shouldExitProgram?: boolean },
      ): Promise<LintReport>;
    };
  };
  export default webExt;
}
