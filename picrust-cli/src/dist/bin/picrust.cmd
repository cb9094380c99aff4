@echo off
rem Starts the picrust CLI on Windows: the bundled runtime of a self-contained image, else
rem %JAVA_HOME% (a Java >= 21), else java on the PATH. Uses the image's AOT cache when it has one.
setlocal
set "PICRUST_HOME_DIR=%~dp0.."
set "JAVA_EXE=java"
if defined JAVA_HOME set "JAVA_EXE=%JAVA_HOME%\bin\java.exe"
if exist "%PICRUST_HOME_DIR%\runtime\bin\java.exe" set "JAVA_EXE=%PICRUST_HOME_DIR%\runtime\bin\java.exe"
set "CACHE_OPTS="
if exist "%PICRUST_HOME_DIR%\lib\picrust.aot" set "CACHE_OPTS=-XX:AOTCache=%PICRUST_HOME_DIR%\lib\picrust.aot -Xlog:aot=off -Xlog:cds=off -XX:UserThreadWaitAttemptsAtExit=0"
"%JAVA_EXE%" %CACHE_OPTS% %PICRUST_JAVA_OPTS% -jar "%PICRUST_HOME_DIR%\lib\picrust.jar" %*
exit /b %ERRORLEVEL%
