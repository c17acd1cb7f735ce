# Warnings for every Tavern target. Under CI (environment CI=true or -DTAVERN_WERROR=ON)
# every warning is an error, so main never collects new ones.
if(DEFINED ENV{CI} AND "$ENV{CI}" STREQUAL "true")
    set(_tavern_werror_default ON)
else()
    set(_tavern_werror_default OFF)
endif()
option(TAVERN_WERROR "Treat compiler warnings as errors" ${_tavern_werror_default})

function(tavern_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
        -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual -Wformat=2)
    if(TAVERN_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
